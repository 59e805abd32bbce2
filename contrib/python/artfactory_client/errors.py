"""Exceptions mapped from JSON-RPC error codes (see docs/protocol.md for the table)."""


class ArtFactoryError(Exception):
    """Base class of every error this client raises."""


class DaemonUnavailable(ArtFactoryError):
    """The daemon's socket could not be reached (not running, wrong path, other user)."""


class RPCError(ArtFactoryError):
    """The daemon answered with a JSON-RPC error object."""

    code = None

    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data or {}

    @property
    def path(self):
        """For invalid params: the offending field (e.g. "width")."""
        return self.data.get("path") if isinstance(self.data, dict) else None


class ParseError(RPCError): code = -32700
class InvalidRequest(RPCError): code = -32600
class MethodNotFound(RPCError): code = -32601
class InvalidParams(RPCError): code = -32602
class InternalError(RPCError): code = -32603
class NotFound(RPCError): code = -32001
class Conflict(RPCError): code = -32002
class ShuttingDown(RPCError): code = -32003
class PathNotAllowed(RPCError): code = -32005
class InvalidFile(RPCError): code = -32006
class Unavailable(RPCError): code = -32007
class LimitExceeded(RPCError): code = -32008
class Canceled(RPCError): code = -32009
class PermissionDenied(RPCError): code = -32010


class JobFailed(ArtFactoryError):
    """A job the client waited for ended failed or canceled; `job` holds its final record."""

    def __init__(self, job):
        super().__init__("job %s %s: %s" % (job.get("id"), job.get("status"), job.get("error") or "no reason given"))
        self.job = job


_BY_CODE = {cls.code: cls for cls in (
    ParseError, InvalidRequest, MethodNotFound, InvalidParams, InternalError, NotFound, Conflict,
    ShuttingDown, PathNotAllowed, InvalidFile, Unavailable, LimitExceeded, Canceled, PermissionDenied)}


def error_from_wire(obj):
    """The exception for a JSON-RPC error object."""
    code = obj.get("code")
    cls = _BY_CODE.get(code, RPCError)
    return cls(code, obj.get("message", "unknown error"), obj.get("data"))
