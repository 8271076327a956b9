#include "logging.h"

Q_LOGGING_CATEGORY(lcUiOrg, "pk.ui.org")
