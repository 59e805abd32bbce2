import Foundation

/// Kinds of catalog ids, each with a short prefix (`gen_01HV...`).
public enum IDKind: String, Sendable, CaseIterable, Codable {
    case generation = "gen"
    case asset = "img"
    case project = "prj"
    case collection = "col"
    case tag = "tag"
    case template = "tpl"
    case profile = "prf"
    case session = "ses"
    case job = "job"
    /// A watched folder (the watch itself lives in `settings`).
    case watch = "wch"
    /// An exploration run (Thompson sampling over prompt variants) and one of its draws.
    case explore = "exp"
    case draw = "drw"
    /// One image handed off to an enhancement pipeline.
    case handoff = "hof"
}

/// Time-sortable text ids: `<prefix>_` + 26 Crockford base32 characters encoding a 48-bit
/// millisecond timestamp followed by 80 random bits (the ULID layout).
///
/// Ids made in the same millisecond by one process increase monotonically (the random part is
/// incremented), so sorting ids as strings sorts them by creation. Thread-safe.
public enum CatalogID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let state = MonotonicState()

    /// A new id of `kind`, stamped with `millis` (defaults to now).
    public static func make(_ kind: IDKind, millis: Int64 = CatalogClock.now()) -> String {
        make(kind, millis: millis, state: state)
    }

    static func make(_ kind: IDKind, millis: Int64, state: MonotonicState) -> String {
        let (time, random) = state.next(millis: millis)
        return kind.rawValue + "_" + encode(time: time, randomHigh: random.high, randomLow: random.low)
    }

    /// Whether `text` is a well-formed id of `kind` (prefix, length, alphabet).
    public static func isValid(_ text: String, kind: IDKind) -> Bool {
        let prefix = kind.rawValue + "_"
        guard text.hasPrefix(prefix) else { return false }
        let body = text.utf8.dropFirst(prefix.utf8.count)
        guard body.count == 26 else { return false }
        return body.allSatisfy { alphabet.contains($0) }
    }

    /// The millisecond timestamp embedded in a valid id, or nil.
    public static func timestamp(of text: String) -> Int64? {
        guard let underscore = text.firstIndex(of: "_") else { return nil }
        let body = Array(text[text.index(after: underscore)...].utf8)
        guard body.count == 26 else { return nil }
        var value: Int64 = 0
        for byte in body.prefix(10) {
            guard let digit = alphabet.firstIndex(of: byte) else { return nil }
            value = value << 5 | Int64(digit)
        }
        return value
    }

    static func encode(time: UInt64, randomHigh: UInt16, randomLow: UInt64) -> String {
        // 128 bits: 48 time | 16 high random | 64 low random, written as 26 5-bit digits (first holds 3 bits).
        let hi = (time << 16) | UInt64(randomHigh)   // top 64 bits
        let lo = randomLow                          // bottom 64 bits
        var out = [UInt8](repeating: 0, count: 26)
        for index in 0..<26 {
            let shift = (25 - index) * 5   // bit offset from the bottom of the 130-bit field
            var digit: UInt64 = 0
            if shift >= 64 {
                digit = hi >> UInt64(shift - 64)
            } else if shift > 59 {
                digit = (lo >> UInt64(shift)) | (hi << UInt64(64 - shift))
            } else {
                digit = lo >> UInt64(shift)
            }
            out[index] = alphabet[Int(digit & 31)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    final class MonotonicState: @unchecked Sendable {
        private let lock = NSLock()
        private var lastTime: UInt64 = 0
        private var high: UInt16 = 0
        private var low: UInt64 = 0

        func next(millis: Int64) -> (UInt64, (high: UInt16, low: UInt64)) {
            let time = UInt64(max(0, millis)) & 0xFFFF_FFFF_FFFF
            lock.lock()
            defer { lock.unlock() }
            if time == lastTime {
                let (sum, overflow) = low.addingReportingOverflow(1)
                low = sum
                if overflow { high &+= 1 }
            } else {
                var generator = SystemRandomNumberGenerator()
                lastTime = time
                high = UInt16.random(in: 0...UInt16.max, using: &generator) & 0x7FFF
                low = generator.next()
            }
            return (lastTime, (high, low))
        }
    }
}

/// Milliseconds since the Unix epoch, the catalog's only time unit.
public enum CatalogClock {
    /// The current wall-clock time in milliseconds since 1970-01-01 UTC.
    @Sendable public static func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Milliseconds in one day.
    public static let day: Int64 = 86_400_000
}
