import Foundation

/// Wildcards read from files under a folder.
///
/// - `.txt`: one entry per line (see ``WildcardFileFormat``); `people/artists.txt` is `people/artists`.
/// - `.json`: an array of strings is one wildcard named after the file; an object nests further, so
///   `{"artists": {"dutch": ["Rembrandt"]}}` in `styles.json` gives `styles/artists/dutch`. Values
///   that are not strings, arrays or objects are ignored.
///
/// Files are read when first asked for and cached for the life of this value; create a new one to
/// pick up edits. Safe to share between threads.
public final class FolderWildcardSource: WildcardSource, @unchecked Sendable {
    /// The wildcards folder.
    public let root: URL
    private let lock = NSLock()
    private var cachedNames: [String]?
    private var cachedEntries: [String: [String]] = [:]
    private var jsonEntries: [String: [String]] = [:]

    /// Creates a source over `root`. A missing folder behaves as an empty source.
    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public func wildcardNames() throws -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return try indexLocked()
    }

    public func entries(for name: String) throws -> [String]? {
        guard !name.isEmpty, !name.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            return nil
        }
        lock.lock()
        defer { lock.unlock() }
        if let cached = cachedEntries[name] { return cached }
        let file = root.appendingPathComponent(name + ".txt")
        if FileManager.default.fileExists(atPath: file.path) {
            let entries = WildcardFileFormat.entries(fromText: String(decoding: try read(file), as: UTF8.self))
            cachedEntries[name] = entries
            return entries
        }
        _ = try indexLocked()
        return jsonEntries[name]
    }

    // MARK: Scanning (lock held)

    private func indexLocked() throws -> [String] {
        if let cachedNames { return cachedNames }
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            cachedNames = []
            return []
        }
        guard let enumerator = manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                  options: [.skipsHiddenFiles]) else {
            throw PromptError(code: .wildcardUnreadable,
                              message: "Could not list the wildcards folder \(root.path); check its permissions.")
        }
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        var names: [String] = []
        for case let url as URL in enumerator {
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix) else { continue }
            let relative = String(path.dropFirst(prefix.count))
            switch url.pathExtension.lowercased() {
            case "txt":
                names.append(String(relative.dropLast(4)))
            case "json":
                let base = String(relative.dropLast(5))
                let found = try jsonWildcards(in: url, base: base)
                for (name, entries) in found where jsonEntries[name] == nil {
                    jsonEntries[name] = entries
                    names.append(name)
                }
            default:
                continue
            }
        }
        let sorted = Array(Set(names)).sorted()
        cachedNames = sorted
        return sorted
    }

    private func jsonWildcards(in file: URL, base: String) throws -> [String: [String]] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: try read(file))
        } catch let error as PromptError {
            throw error
        } catch {
            throw PromptError(code: .wildcardUnreadable,
                              message: "Wildcard file \(file.path) is not valid JSON; fix it or remove it.",
                              cause: String(describing: error))
        }
        var result: [String: [String]] = [:]
        func walk(_ value: Any, _ name: String) {
            if let array = value as? [Any] {
                let entries = array.compactMap { $0 as? String }
                    .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
                result[name] = entries
            } else if let dictionary = value as? [String: Any] {
                for (key, child) in dictionary where !key.isEmpty && !key.contains("/") {
                    walk(child, name + "/" + key)
                }
            }
        }
        walk(object, base)
        return result
    }

    private func read(_ file: URL) throws -> Data {
        do {
            return try Data(contentsOf: file)
        } catch {
            throw PromptError(code: .wildcardUnreadable,
                              message: "Could not read wildcard file \(file.path); check that it exists and is readable.",
                              cause: String(describing: error))
        }
    }
}
