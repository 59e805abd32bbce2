#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif
import Foundation

/// Crash-safe file writes: after ``write(_:to:mode:)`` returns, the file holds either its old contents or
/// the complete new contents, never a mix, even if the machine loses power.
///
/// Steps: create a uniquely named temp file in the same directory (`O_EXCL`, given mode), write all bytes,
/// `fsync` it, `rename` over the target, `fsync` the directory.
public enum AtomicFile {
    /// Writes `data` to `url` atomically and durably.
    /// - Parameters:
    ///   - mode: permission bits of the new file (default 0600, private to the user).
    ///   - createDirectories: create missing parent directories with mode 0700.
    /// - Throws: ``ImagingError`` `io` naming the failing step and errno text.
    public static func write(_ data: Data, to url: URL, mode: mode_t = 0o600, createDirectories: Bool = true) throws {
        let directory = url.deletingLastPathComponent()
        if createDirectories {
            try makeDirectory(directory)
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure("create a temporary file in", directory.path) }
        var closed = false
        var renamed = false
        defer {
            if !closed { close(descriptor) }
            if !renamed { unlink(temporary.path) }
        }
        // umask may have narrowed the mode; apply it exactly.
        guard fchmod(descriptor, mode) == 0 else { throw failure("set permissions on", temporary.path) }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                guard let base = raw.baseAddress else { break }
                let written = systemWrite(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("write", temporary.path)
                }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw failure("flush", temporary.path) }
        closed = true
        guard close(descriptor) == 0 else { throw failure("close", temporary.path) }
        guard rename(temporary.path, url.path) == 0 else { throw failure("rename the temporary file onto", url.path) }
        renamed = true
        try syncDirectory(directory)
    }

    /// Creates `url` and its missing parents with mode 0700 (existing directories are left as they are).
    /// - Throws: ``ImagingError`` `io`.
    public static func makeDirectory(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ImagingError(.io, "\(url.path) exists but is not a directory; move it away and retry")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw ImagingError(.io, "cannot create directory \(url.path); check permissions and free space",
                               cause: error.localizedDescription)
        }
    }

    /// `fsync`s a directory so a rename inside it survives a crash.
    static func syncDirectory(_ url: URL) throws {
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open directory", url.path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("flush directory", url.path) }
    }

    private static func failure(_ step: String, _ path: String) -> ImagingError {
        let code = errno
        return ImagingError(.io, "could not \(step) \(path); check permissions and free space",
                            cause: String(cString: strerror(code)))
    }
}
