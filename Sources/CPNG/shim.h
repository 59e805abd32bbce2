#ifndef ARTFACTORY_CPNG_SHIM_H
#define ARTFACTORY_CPNG_SHIM_H
#include <png.h>
#include <zlib.h>
#endif
