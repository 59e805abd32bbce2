import Foundation

/// The ZIP container `torch.save` writes (PyTorch ≥ 1.6): `<name>/data.pkl` (the pickled object),
/// `<name>/data/<key>` (one raw little-endian storage per key), `<name>/byteorder`, `<name>/version`.
///
/// PyTorch stores every entry uncompressed (method 0, 64-byte aligned), so this reader only needs the
/// central directory (ZIP64 included) and the local headers; a compressed entry is reported, never
/// inflated. The file is memory-mapped and every offset is checked against its length.
final class PyTorchZipArchive: @unchecked Sendable {
    struct Entry: Sendable {
        let name: String
        /// Byte offset of the entry's data from the start of the file.
        let dataOffset: Int
        let size: Int
    }

    let path: String
    /// Entries by full name (`archive/data.pkl`, ...).
    let entries: [String: Entry]
    /// The archive's top folder including its slash (`archive/`, or the stem torch used).
    let prefix: String

    private let base: UnsafeRawPointer
    private let length: Int

    /// Whether `path` starts with a ZIP local-file signature (`PK\u{3}\u{4}`).
    static func isZip(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let magic = (try? handle.read(upToCount: 4)) ?? Data()
        return magic == Data([0x50, 0x4B, 0x03, 0x04])
    }

    /// Maps and indexes the archive.
    /// - Throws: `EngineError` `file.missing` or `pth.archive`.
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw EngineError.missingFile(path, what: "The upscaler file") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw EngineError.missingFile(path, what: "The upscaler file") }
        let length = Int(info.st_size)
        guard length >= 22 else { throw EngineError.badArchive(path, "The file is \(length) bytes, too short for a ZIP archive") }
        guard let map = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw EngineError(code: "file.unreadable", message: "Could not map the upscaler file into memory; check permissions and free memory.",
                              path: path, cause: String(cString: strerror(errno)))
        }
        let raw = UnsafeRawPointer(map)
        do {
            let entries = try Self.readDirectory(raw, length: length, path: path)
            guard let pickle = entries.keys.filter({ $0.hasSuffix("data.pkl") }).min(by: { $0.count < $1.count }) else {
                throw EngineError.badArchive(path, "The archive has no data.pkl entry")
            }
            self.entries = entries
            self.prefix = String(pickle.dropLast("data.pkl".count))
            self.base = raw
            self.length = length
        } catch {
            munmap(map, length)
            throw error
        }
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    /// The bytes of `name` (relative to the archive's top folder), without copying; valid while `self` lives.
    func bytes(_ name: String) throws -> UnsafeRawBufferPointer {
        guard let entry = entries[prefix + name] else {
            throw EngineError.badArchive(path, "The archive has no entry \"\(prefix + name)\"")
        }
        return UnsafeRawBufferPointer(start: base + entry.dataOffset, count: entry.size)
    }

    private static func u16(_ p: UnsafeRawPointer, _ at: Int) -> Int { Int(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt16.self))) }
    private static func u32(_ p: UnsafeRawPointer, _ at: Int) -> Int { Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
    private static func u64(_ p: UnsafeRawPointer, _ at: Int) -> Int {
        Int(truncatingIfNeeded: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
    }

    private static func readDirectory(_ p: UnsafeRawPointer, length: Int, path: String) throws -> [String: Entry] {
        // End of central directory: the last "PK\5\6" within the final 64 KiB + 22 bytes.
        var eocd = -1
        var at = length - 22
        let lowest = max(0, length - 22 - 65_535)
        while at >= lowest {
            if u32(p, at) == 0x0605_4B50 { eocd = at; break }
            at -= 1
        }
        guard eocd >= 0 else { throw EngineError.badArchive(path, "No ZIP end-of-central-directory record was found") }
        var count = u16(p, eocd + 10)
        var directorySize = u32(p, eocd + 12)
        var directoryOffset = u32(p, eocd + 16)
        // ZIP64: the locator sits just before the classic record.
        if eocd >= 20, u32(p, eocd - 20) == 0x0706_4B50 {
            let record = u64(p, eocd - 20 + 8)
            guard record >= 0, record + 56 <= length, u32(p, record) == 0x0606_4B50 else {
                throw EngineError.badArchive(path, "The ZIP64 end-of-central-directory record is out of range")
            }
            count = u64(p, record + 32)
            directorySize = u64(p, record + 40)
            directoryOffset = u64(p, record + 48)
        }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset + directorySize <= length, count >= 0, count < 1 << 24 else {
            throw EngineError.badArchive(path, "The ZIP central directory lies outside the file")
        }
        var entries: [String: Entry] = [:]
        var cursor = directoryOffset
        for _ in 0..<count {
            guard cursor + 46 <= length, u32(p, cursor) == 0x0201_4B50 else {
                throw EngineError.badArchive(path, "A ZIP central-directory entry is damaged")
            }
            let method = u16(p, cursor + 10)
            var compressed = u32(p, cursor + 20)
            var size = u32(p, cursor + 24)
            let nameLength = u16(p, cursor + 28), extraLength = u16(p, cursor + 30), commentLength = u16(p, cursor + 32)
            var localOffset = u32(p, cursor + 42)
            guard cursor + 46 + nameLength + extraLength + commentLength <= length else {
                throw EngineError.badArchive(path, "A ZIP central-directory entry runs past the end of the file")
            }
            let name = String(decoding: UnsafeRawBufferPointer(start: p + cursor + 46, count: nameLength), as: UTF8.self)
            // ZIP64 extra field (id 1): the 64-bit values replace the 0xFFFFFFFF ones, in this order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = u16(p, extra), fieldLength = u16(p, extra + 2)
                if id == 1 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF, field + 8 <= extraEnd { size = u64(p, field); field += 8 }
                    if compressed == 0xFFFF_FFFF, field + 8 <= extraEnd { compressed = u64(p, field); field += 8 }
                    if localOffset == 0xFFFF_FFFF, field + 8 <= extraEnd { localOffset = u64(p, field) }
                }
                extra += 4 + fieldLength
            }
            cursor = extraEnd + commentLength
            guard method == 0 else {
                throw EngineError.badArchive(path, "Entry \"\(name)\" is compressed (method \(method)); torch.save writes stored entries, so re-save the file with torch.save")
            }
            guard compressed == size, localOffset >= 0, localOffset + 30 <= length, u32(p, localOffset) == 0x0403_4B50 else {
                throw EngineError.badArchive(path, "Entry \"\(name)\" has a damaged local header")
            }
            let dataOffset = localOffset + 30 + u16(p, localOffset + 26) + u16(p, localOffset + 28)
            guard size >= 0, dataOffset + size <= length else {
                throw EngineError.badArchive(path, "Entry \"\(name)\" runs past the end of the file")
            }
            entries[name] = Entry(name: name, dataOffset: dataOffset, size: size)
        }
        return entries
    }
}
