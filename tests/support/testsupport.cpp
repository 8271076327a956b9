#include "testsupport.h"

#include <QtGlobal>

namespace pktest {

QString sharedDir()
{
    return qEnvironmentVariable("PK_SHARED_DIR");
}

} // namespace pktest
