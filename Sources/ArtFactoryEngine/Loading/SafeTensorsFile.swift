import Foundation

/// A memory-mapped `.safetensors` file: an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the raw little-endian data.
///
/// Opening validates everything against the file's real length, so a truncated file or a header
/// that lies about sizes fails here with an `EngineError` naming the file, never later with a crash.
/// Values are converted to f32 on request (`tensor(named:)`); the mapping is released on deinit.
public final class SafeTensorsFile: @unchecked Sendable {
    /// Element types the engine reads.
    public enum DType: String, Sendable {
        case f32 = "F32", f16 = "F16", bf16 = "BF16"
        /// Bytes per element.
        public var size: Int { self == .f32 ? 4 : 2 }
    }

    /// One tensor's entry in the header.
    public struct Entry: Sendable, Equatable {
        public let dtype: DType
        public let shape: [Int]
        /// Byte range relative to the start of the data section.
        public let range: Range<Int>
    }

    /// Path the file was opened from.
    public let path: String
    /// Tensors by name.
    public let entries: [String: Entry]
    /// The optional `__metadata__` string map.
    public let metadata: [String: String]

    private let base: UnsafeRawPointer
    private let mappedLength: Int
    private let dataStart: Int

    /// Maps and validates a file.
    /// - Throws: `EngineError` with code `file.missing`, `safetensors.truncated`, `safetensors.header`,
    ///   `safetensors.dtype` or `safetensors.offsets`.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw EngineError.missingFile(path, what: "The weights file") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw EngineError.missingFile(path, what: "The weights file") }
        let length = Int(info.st_size)
        guard length >= 8 else {
            throw EngineError.badSafetensors(path, "truncated", "The file is \(length) bytes, too short for a header")
        }
        guard let map = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw EngineError(code: "file.unreadable", message: "Could not map the weights file into memory; check permissions and free memory.", path: path, cause: String(cString: strerror(errno)))
        }
        let raw = UnsafeRawPointer(map)
        do {
            let parsed = try Self.parseHeader(raw, length: length, path: path)
            base = raw
            mappedLength = length
            dataStart = parsed.dataStart
            entries = parsed.entries
            metadata = parsed.metadata
        } catch {
            munmap(map, length)
            throw error
        }
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), mappedLength) }

    /// Tensor names in sorted order.
    public var names: [String] { entries.keys.sorted() }

    /// The named tensor converted to f32.
    /// - Throws: `EngineError` (`weights.mismatch`) when absent.
    public func tensor(named name: String) throws -> Tensor {
        guard let entry = entries[name] else {
            throw EngineError.weightMismatch(path, "Tensor \"\(name)\" is missing")
        }
        let count = entry.shape.reduce(1, *)
        let src = base + dataStart + entry.range.lowerBound
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let dst = buffer.baseAddress else { initialized = 0; return }
            Self.convert(src, dtype: entry.dtype, count: count, into: dst)
            initialized = count
        }
        release(src, byteCount: count * entry.dtype.size)
        return Tensor(shape: entry.shape, data: values)
    }

    /// The named f16 or bf16 tensor's 16-bit patterns for elements `range` (all when nil), or nil when it
    /// is stored as f32. Half-precision weights are kept this way in memory (`WeightMatrix`).
    func halfBits(named name: String, elements range: Range<Int>? = nil) throws -> (dtype: DType, bits: [UInt16])? {
        guard let entry = entries[name] else {
            throw EngineError.weightMismatch(path, "Tensor \"\(name)\" is missing")
        }
        guard entry.dtype != .f32 else { return nil }
        let all = 0..<entry.shape.reduce(1, *)
        let span = range ?? all
        precondition(span.lowerBound >= 0 && span.upperBound <= all.upperBound, "halfBits: range outside the tensor")
        let src = base + dataStart + entry.range.lowerBound + span.lowerBound * 2
        let bits = [UInt16](unsafeUninitializedCapacity: span.count) { buffer, initialized in
            if let dst = buffer.baseAddress { UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: span.count * 2) }
            initialized = span.count
        }
        release(src, byteCount: span.count * 2)
        return (entry.dtype, bits)
    }

    /// Drops the mapped pages of bytes already copied out from this process's resident set (they stay in
    /// the page cache), so that loading a model does not hold the file and its copy in memory at once:
    /// without it the peak RSS of a load was the weights plus the whole file.
    private func release(_ start: UnsafeRawPointer, byteCount: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let lo = (Int(bitPattern: start) + page - 1) / page * page   // whole pages inside the span only
        let hi = (Int(bitPattern: start) + byteCount) / page * page
        guard hi > lo, let p = UnsafeMutableRawPointer(bitPattern: lo) else { return }
        madvise(p, hi - lo, MADV_DONTNEED)
    }

    /// Decodes little-endian f32/f16/bf16 values into f32.
    static func convert(_ src: UnsafeRawPointer, dtype: DType, count: Int, into dst: UnsafeMutablePointer<Float>) {
        switch dtype {
        case .f32:
            UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
        case .f16:
            // A 256 KiB table beats the library call Float16→Float compiles to without F16C.
            halfToFloat.withUnsafeBufferPointer { table in
                Parallel.forEachChunk(count, minimumPerChunk: 1 << 16) { r in
                    for i in r {
                        dst[i] = table[Int(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)))]
                    }
                }
            }
        case .bf16:
            Parallel.forEachChunk(count, minimumPerChunk: 1 << 16) { r in
                for i in r {
                    let bits = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                    dst[i] = Float(bitPattern: UInt32(bits) << 16)
                }
            }
        }
    }

    /// Every f16 bit pattern's f32 value.
    private static let halfToFloat: [Float] = (0..<65536).map { Float(Float16(bitPattern: UInt16($0))) }

    private struct Parsed {
        var entries: [String: Entry]
        var metadata: [String: String]
        var dataStart: Int
    }

    private static func parseHeader(_ raw: UnsafeRawPointer, length: Int, path: String) throws -> Parsed {
        let headerLength = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(length - 8) else {
            throw EngineError.badSafetensors(path, "truncated",
                "The header claims \(headerLength) bytes but the file has only \(length - 8) after the length field")
        }
        guard headerLength <= 100_000_000 else {
            throw EngineError.badSafetensors(path, "header", "The header length \(headerLength) is implausibly large")
        }
        let headerData = Data(bytes: raw + 8, count: Int(headerLength))
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: headerData)
        } catch {
            throw EngineError.badSafetensors(path, "header", "The header is not valid JSON")
        }
        guard let object = json as? [String: Any] else {
            throw EngineError.badSafetensors(path, "header", "The header is not a JSON object")
        }
        let dataStart = 8 + Int(headerLength)
        let dataLength = length - dataStart
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                metadata = (value as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
                continue
            }
            guard let fields = value as? [String: Any], let dtypeName = fields["dtype"] as? String,
                  let shapeValues = fields["shape"] as? [Any], let offsetValues = fields["data_offsets"] as? [Any],
                  offsetValues.count == 2 else {
                throw EngineError.badSafetensors(path, "header", "Tensor \"\(name)\" lacks dtype, shape or data_offsets")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw EngineError.badSafetensors(path, "dtype",
                    "Tensor \"\(name)\" has dtype \(dtypeName); only F32, F16 and BF16 are supported")
            }
            let shape = shapeValues.compactMap { ($0 as? NSNumber)?.intValue }
            let offsets = offsetValues.compactMap { ($0 as? NSNumber)?.intValue }
            guard shape.count == shapeValues.count, shape.allSatisfy({ $0 >= 0 && $0 < 1 << 40 }), offsets.count == 2 else {
                throw EngineError.badSafetensors(path, "header", "Tensor \"\(name)\" has a malformed shape or offsets")
            }
            let elements = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end - begin == elements * dtype.size else {
                throw EngineError.badSafetensors(path, "offsets",
                    "Tensor \"\(name)\" spans bytes \(begin)..<\(end) but shape \(shape) of \(dtypeName) needs \(elements * dtype.size)")
            }
            guard end <= dataLength else {
                throw EngineError.badSafetensors(path, "truncated",
                    "Tensor \"\(name)\" ends at byte \(end) of the data section, which holds only \(dataLength) bytes")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: begin..<end)
        }
        return Parsed(entries: entries, metadata: metadata, dataStart: dataStart)
    }
}
