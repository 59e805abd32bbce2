import Foundation

/// The opaque pagination cursor: base64url of a small JSON object.
///
/// For listings it holds the last row's sort key and id (keyset pagination: deep pages cost the
/// same as the first); for search it holds an offset. Each cursor carries a fingerprint of the
/// filter, sort and query it was made for, so a cursor reused with other arguments, truncated or
/// forged is rejected with `invalid_argument` instead of returning a wrong page.
struct PageCursor: Codable, Equatable {
    var v: Int = 1
    /// Fingerprint of the listing's arguments.
    var f: String
    /// Sort key of the last row (listings).
    var k: Int64?
    /// Id of the last row (listings).
    var i: String?
    /// Offset (search).
    var o: Int?

    func encoded() -> String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String, fingerprint: String) throws -> PageCursor {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        guard text.count <= 512,
              let data = Data(base64Encoded: base64),
              let cursor = try? JSONDecoder().decode(PageCursor.self, from: data),
              cursor.v == 1, cursor.f == fingerprint else {
            throw CatalogError.invalid("The cursor is not valid for this listing (it is damaged, or was made with another filter or sort); start again without a cursor.")
        }
        if let id = cursor.i, !CatalogID.isValid(id, kind: .asset) {
            throw CatalogError.invalid("The cursor is not valid for this listing; start again without a cursor.")
        }
        if let offset = cursor.o, offset < 0 || offset > 100_000 {
            throw CatalogError.invalid("The cursor is not valid for this search; start again without a cursor.")
        }
        return cursor
    }

    /// FNV-1a 64 of the canonical JSON of `value`: stable across processes (unlike `Hasher`).
    static func fingerprint<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(value)) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 36)
    }
}
