#ifndef CSWSCALE_SHIM_H
#define CSWSCALE_SHIM_H
#include <libswscale/swscale.h>
#endif
