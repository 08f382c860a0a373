#ifndef CSWRESAMPLE_SHIM_H
#define CSWRESAMPLE_SHIM_H
#include <libswresample/swresample.h>
#endif
