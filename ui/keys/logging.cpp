#include "logging.h"

Q_LOGGING_CATEGORY(lcUiKeys, "pk.ui.keys")
