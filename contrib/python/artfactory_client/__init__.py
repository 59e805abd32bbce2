"""A standard-library-only Python client for the ArtFactory daemon (artfactoryd).

    from artfactory_client import ArtFactoryClient
    with ArtFactoryClient() as af:
        result = af.generate("a red circle on a blue background", count=2,
                             progress=lambda p: print(p["step"], "/", p["totalSteps"]))
        for image in result["images"]:
            print(image["path"])

The daemon speaks JSON-RPC 2.0 over a Unix socket, one JSON message per line. See docs/protocol.md.
"""

from .client import ArtFactoryClient, default_socket_path
from .errors import (
    ArtFactoryError,
    DaemonUnavailable,
    RPCError,
    ParseError,
    InvalidRequest,
    MethodNotFound,
    InvalidParams,
    InternalError,
    NotFound,
    Conflict,
    ShuttingDown,
    PathNotAllowed,
    InvalidFile,
    Unavailable,
    LimitExceeded,
    Canceled,
    PermissionDenied,
    JobFailed,
)

__all__ = [
    "ArtFactoryClient", "default_socket_path", "ArtFactoryError", "DaemonUnavailable", "RPCError",
    "ParseError", "InvalidRequest", "MethodNotFound", "InvalidParams", "InternalError", "NotFound",
    "Conflict", "ShuttingDown", "PathNotAllowed", "InvalidFile", "Unavailable", "LimitExceeded",
    "Canceled", "PermissionDenied", "JobFailed",
]
