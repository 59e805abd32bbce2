import Foundation

/// Wildcards read from `.txt` files under a folder (nested folders give `folder/name`).
///
/// Files are read when first asked for and cached for the life of this value; create a new one to
/// pick up edits. Safe to share between threads.
public final class FolderWildcardSource: WildcardSource, @unchecked Sendable {
    /// The wildcards folder.
    public let root: URL
    private let lock = NSLock()
    private var cachedNames: [String]?
    private var cachedEntries: [String: [String]] = [:]

    /// Creates a source over `root`. A missing folder behaves as an empty source.
    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public func wildcardNames() throws -> [String] {
        lock.lock()
        defer { lock.unlock() }
        if let cachedNames { return cachedNames }
        let names = try scan()
        cachedNames = names
        return names
    }

    public func entries(for name: String) throws -> [String]? {
        guard !name.isEmpty, !name.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            return nil
        }
        lock.lock()
        defer { lock.unlock() }
        if let cached = cachedEntries[name] { return cached }
        let file = root.appendingPathComponent(name + ".txt")
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let text: String
        do {
            let data = try Data(contentsOf: file)
            text = String(decoding: data, as: UTF8.self)
        } catch {
            throw PromptError(code: .wildcardUnreadable,
                              message: "Could not read wildcard file \(file.path); check that it exists and is readable.",
                              cause: String(describing: error))
        }
        let entries = WildcardFileFormat.entries(fromText: text)
        cachedEntries[name] = entries
        return entries
    }

    private func scan() throws -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return []
        }
        guard let enumerator = manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                  options: [.skipsHiddenFiles]) else {
            throw PromptError(code: .wildcardUnreadable,
                              message: "Could not list the wildcards folder \(root.path); check its permissions.")
        }
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        var names: [String] = []
        for case let url as URL in enumerator where url.pathExtension.lowercased() == "txt" {
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix) else { continue }
            names.append(String(path.dropFirst(prefix.count).dropLast(4)))
        }
        return names.sorted()
    }
}
