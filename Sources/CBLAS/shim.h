#ifndef ARTFACTORY_CBLAS_SHIM_H
#define ARTFACTORY_CBLAS_SHIM_H
#include <cblas.h>
#endif
