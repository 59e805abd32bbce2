#ifndef ARTFACTORY_CUV_SHIM_H
#define ARTFACTORY_CUV_SHIM_H
#include <uv.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Same layout as Linux's `struct ucred` (SO_PEERCRED), which glibc hides behind _GNU_SOURCE. */
struct af_ucred {
    pid_t pid;
    uid_t uid;
    gid_t gid;
};
#endif
