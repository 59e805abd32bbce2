import CUV
import Glibc

/// The process on the other end of a Unix socket, from the kernel (SO_PEERCRED): it cannot be forged.
public struct PeerCredentials: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// Reads the peer of a connected Unix socket.
    public static func of(fd: Int32) throws -> PeerCredentials {
        var cred = af_ucred()
        var len = socklen_t(MemoryLayout<af_ucred>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 else {
            throw IPCError.posix(.ioFailed, "cannot read peer credentials")
        }
        return PeerCredentials(pid: cred.pid, uid: cred.uid, gid: cred.gid)
    }

    /// The access rule: only the daemon's own user may connect. Root gets no exception, since a
    /// daemon started by root serves root alone and a user's daemon serves that user alone.
    public static func isAllowed(peerUID: UInt32, daemonUID: UInt32) -> Bool { peerUID == daemonUID }
}
