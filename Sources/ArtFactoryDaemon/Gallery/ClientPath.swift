import ArtFactoryProtocol
import Foundation
import Glibc

/// Checks file-system paths sent by clients before the daemon reads or writes there.
///
/// Rules: the path must be absolute; it is resolved with `realpath` (so `..` and symbolic links
/// cannot smuggle it elsewhere) and the resolved path must lie under one of the allowed roots —
/// the user's home directory and the temporary directory — and never inside the daemon's own data
/// directory (the catalog, gallery and sockets are changed only through the API).
struct ClientPath {
    /// Directories client paths may name (resolved).
    let roots: [String]
    /// The daemon's data directory (resolved), always refused.
    let daemonHome: String

    init(daemonHome: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        var roots: [String] = []
        if let home = environment["HOME"], home.hasPrefix("/") { roots.append(home) }
        if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { roots.append(String(cString: dir)) }
        roots.append(environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp")
        roots.append("/tmp")
        self.roots = Array(Set(roots.compactMap { ClientPath.resolve($0) })).filter { $0 != "/" }.sorted()
        self.daemonHome = ClientPath.resolve(daemonHome) ?? daemonHome
    }

    /// The resolved form of an existing path the client wants the daemon to read.
    /// - Throws: `pathNotAllowed` (relative, outside the roots, inside the data directory) or
    ///   `invalidParams` when nothing exists there.
    func existing(_ path: String, what: String) throws -> String {
        try requireAbsolute(path, what: what)
        guard let resolved = ClientPath.resolve(path) else {
            throw RPCError.invalidParams("\(what) '\(path)' does not exist; check the path.")
        }
        try requireAllowed(resolved, original: path, what: what)
        return resolved
    }

    /// The resolved form of a destination that may not exist yet (its parent must).
    func destination(_ path: String, what: String) throws -> String {
        try requireAbsolute(path, what: what)
        if let resolved = ClientPath.resolve(path) {
            try requireAllowed(resolved, original: path, what: what)
            return resolved
        }
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        guard !name.isEmpty, name != "..", name != ".",
              let parent = ClientPath.resolve(url.deletingLastPathComponent().path) else {
            throw RPCError.invalidParams("The folder that would hold \(what) '\(path)' does not exist; create it first.")
        }
        let resolved = parent + "/" + name
        try requireAllowed(resolved, original: path, what: what)
        return resolved
    }

    private func requireAbsolute(_ path: String, what: String) throws {
        guard path.hasPrefix("/") else {
            throw GalleryError.pathNotAllowed("\(what) '\(path)' is not an absolute path; pass a full path starting with '/'.")
        }
    }

    private func requireAllowed(_ resolved: String, original: String, what: String) throws {
        if ClientPath.isInside(resolved, daemonHome) {
            throw GalleryError.pathNotAllowed("\(what) '\(original)' is inside the ArtFactory data directory; use the gallery methods to work with stored images.")
        }
        guard roots.contains(where: { ClientPath.isInside(resolved, $0) }) else {
            throw GalleryError.pathNotAllowed("\(what) '\(original)' resolves to '\(resolved)', outside the allowed places (\(roots.joined(separator: ", "))); copy the files under your home directory first.")
        }
    }

    static func isInside(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    static func resolve(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
