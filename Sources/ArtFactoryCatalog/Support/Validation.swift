import Foundation

/// Argument checks shared by the API; each throws ``CatalogError`` `invalid_argument` with a fix.
enum Validation {
    /// A trimmed, non-empty name of at most 200 characters.
    static func name(_ raw: String, kind: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw CatalogError.invalid("A \(kind) name cannot be empty; give it a name.") }
        guard name.count <= 200 else { throw CatalogError.invalid("A \(kind) name is limited to 200 characters; shorten it.") }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CatalogError.invalid("A \(kind) name cannot contain control characters.")
        }
        return name
    }

    /// A gallery-relative path: not empty, not absolute, no `..` or empty components, no NUL.
    static func relativePath(_ path: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0"),
              !parts.contains(where: { $0.isEmpty || $0 == ".." || $0 == "." }) else {
            throw CatalogError.invalid("The asset path '\(path)' must be relative to the gallery root, without '..' or empty parts.")
        }
    }

    /// 64 lowercase hex digits.
    static func sha256(_ value: String) throws {
        guard value.utf8.count == 64, value.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw CatalogError.invalid("The sha256 '\(value)' must be 64 lowercase hex digits.")
        }
    }

    /// A well-formed id of `kind` (unknown but well-formed ids are caught later as `not_found`).
    static func id(_ value: String, _ kind: IDKind, name: String) throws {
        guard CatalogID.isValid(value, kind: kind) else {
            throw CatalogError.invalid("'\(value)' is not a \(name) id (expected \(kind.rawValue)_ followed by 26 characters).")
        }
    }

    /// A rating from 0 (unrated) to 5.
    static func rating(_ value: Int) throws {
        guard (0...5).contains(value) else { throw CatalogError.invalid("A rating must be 0 (none) to 5; got \(value).") }
    }

    /// Checks one asset's fields.
    static func asset(_ asset: Asset) throws {
        try relativePath(asset.path)
        if let thumbnail = asset.thumbnailPath { try relativePath(thumbnail) }
        try sha256(asset.sha256)
        try rating(asset.rating)
        guard asset.width >= 0, asset.height >= 0, asset.bytes >= 0 else {
            throw CatalogError.invalid("Asset width, height and bytes cannot be negative.")
        }
        guard !asset.mime.isEmpty else { throw CatalogError.invalid("An asset needs a mime type such as image/png.") }
    }

    /// A page size from 1 to 1000.
    static func limit(_ value: Int) throws {
        guard (1...1000).contains(value) else { throw CatalogError.invalid("The page limit must be 1 to 1000; got \(value).") }
    }
}
