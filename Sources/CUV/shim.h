#ifndef ARTFACTORY_CUV_SHIM_H
#define ARTFACTORY_CUV_SHIM_H
#include <uv.h>
#include <sys/socket.h>
#include <sys/un.h>
#endif
