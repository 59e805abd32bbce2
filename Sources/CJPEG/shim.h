#ifndef ARTFACTORY_CJPEG_SHIM_H
#define ARTFACTORY_CJPEG_SHIM_H
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
#endif
