import Foundation

/// A pickle interpreter that only builds data: the subset of opcodes `torch.save` emits for a state
/// dict (protocols 2–5), with globals limited to `collections.OrderedDict`, torch's tensor rebuild
/// functions and storage types — the same idea as `torch.load(weights_only=True)`.
///
/// No opcode ever calls code from the file: `REDUCE` is interpreted only for the allowed names, and
/// any other global (`os.system`, `builtins.eval`, `posix.system`, ...) or object-building opcode
/// (`INST`, `OBJ`, `NEWOBJ`, extension registry lookups) stops reading with `pth.forbidden`, naming it.
struct RestrictedUnpickler {
    /// Globals a state dict may name. Storage types are only valid inside persistent ids.
    static let allowedCallables: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
    ]

    private let bytes: UnsafeRawBufferPointer
    private let path: String
    private var position = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    /// Interprets one pickle. - Parameter path: reported in errors.
    static func load(_ bytes: UnsafeRawBufferPointer, path: String) throws -> PickleValue {
        var machine = RestrictedUnpickler(bytes: bytes, path: path)
        return try machine.run()
    }

    private init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    // MARK: Reading

    private mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, position + n <= bytes.count else { throw EngineError.badPickle(path, "it ends in the middle of an opcode") }
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)])
    }

    private mutating func byte() throws -> Int { Int(try take(1)[0]) }

    private mutating func uint(_ n: Int) throws -> Int {
        let raw = try take(n)
        var value: UInt64 = 0
        for i in (0..<n).reversed() { value = value << 8 | UInt64(raw[i]) }
        guard value < 1 << 62 else { throw EngineError.badPickle(path, "a length of \(value) bytes is implausible") }
        return Int(value)
    }

    private mutating func text(_ n: Int) throws -> String { String(decoding: try take(n), as: UTF8.self) }

    private mutating func line() throws -> String {
        var end = position
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        guard end < bytes.count else { throw EngineError.badPickle(path, "a GLOBAL name is not terminated") }
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
        position = end + 1
        return value
    }

    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast() else { throw EngineError.badPickle(path, "the stack is empty") }
        if let mark = marks.last, stack.count < mark { throw EngineError.badPickle(path, "an opcode reached below a MARK") }
        return value
    }

    private mutating func popToMark() throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw EngineError.badPickle(path, "no MARK to pop to") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    private mutating func top() throws -> PickleValue {
        guard let value = stack.last else { throw EngineError.badPickle(path, "the stack is empty") }
        return value
    }

    // MARK: The machine

    private mutating func run() throws -> PickleValue {
        while true {
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()                                     // PROTO
            case 0x95: _ = try take(8)                                    // FRAME
            case 0x2E: return try pop()                                   // STOP
            case 0x28: marks.append(stack.count)                          // MARK
            case 0x4E: stack.append(.none)                                // NONE
            case 0x88: stack.append(.bool(true))                          // NEWTRUE
            case 0x89: stack.append(.bool(false))                         // NEWFALSE
            case 0x4A:                                                    // BININT
                stack.append(.int(Int(Int32(bitPattern: UInt32(try uint(4))))))
            case 0x4B: stack.append(.int(try byte()))                     // BININT1
            case 0x4D: stack.append(.int(try uint(2)))                    // BININT2
            case 0x8A: stack.append(.int(try long(try byte())))           // LONG1
            case 0x47:                                                    // BINFLOAT (big-endian)
                let raw = try take(8)
                var bits: UInt64 = 0
                for b in raw { bits = bits << 8 | UInt64(b) }
                stack.append(.float(Double(bitPattern: bits)))
            case 0x58: stack.append(.string(try text(try uint(4))))       // BINUNICODE
            case 0x8C: stack.append(.string(try text(try byte())))        // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try text(try uint(8))))       // BINUNICODE8
            case 0x55: stack.append(.string(try text(try byte())))        // SHORT_BINSTRING
            case 0x54: stack.append(.string(try text(try uint(4))))       // BINSTRING
            case 0x43: stack.append(.bytes(Array(try take(try byte()))))  // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(Array(try take(try uint(4))))) // BINBYTES
            case 0x8E: stack.append(.bytes(Array(try take(try uint(8))))) // BINBYTES8
            case 0x29: stack.append(.tuple([]))                           // EMPTY_TUPLE
            case 0x85: stack.append(.tuple([try pop()]))                  // TUPLE1
            case 0x86:                                                    // TUPLE2
                let b = try pop(), a = try pop()
                stack.append(.tuple([a, b]))
            case 0x87:                                                    // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                stack.append(.tuple([a, b, c]))
            case 0x74: stack.append(.tuple(try popToMark()))              // TUPLE
            case 0x5D: stack.append(.list(PickleList()))                  // EMPTY_LIST
            case 0x6C:                                                    // LIST
                let list = PickleList()
                list.items = try popToMark()
                stack.append(.list(list))
            case 0x61:                                                    // APPEND
                let value = try pop()
                try append([value], to: try top())
            case 0x65:                                                    // APPENDS
                let values = try popToMark()
                try append(values, to: try top())
            case 0x7D: stack.append(.dict(PickleDict()))                  // EMPTY_DICT
            case 0x64:                                                    // DICT
                let dict = PickleDict()
                try setItems(try popToMark(), in: dict)
                stack.append(.dict(dict))
            case 0x73:                                                    // SETITEM
                let value = try pop(), key = try pop()
                guard case .dict(let dict) = try top() else { throw EngineError.badPickle(path, "SETITEM on a non-dict") }
                dict.set(key, value)
            case 0x75:                                                    // SETITEMS
                let items = try popToMark()
                guard case .dict(let dict) = try top() else { throw EngineError.badPickle(path, "SETITEMS on a non-dict") }
                try setItems(items, in: dict)
            case 0x71: memo[try byte()] = try top()                       // BINPUT
            case 0x72: memo[try uint(4)] = try top()                      // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()                       // MEMOIZE
            case 0x68: stack.append(try recall(try byte()))               // BINGET
            case 0x6A: stack.append(try recall(try uint(4)))              // LONG_BINGET
            case 0x30: _ = try pop()                                      // POP
            case 0x31: _ = try popToMark()                                // POP_MARK
            case 0x32: stack.append(try top())                            // DUP
            case 0x63:                                                    // GLOBAL "module\nname\n"
                let module = try line(), name = try line()
                stack.append(try global(module, name))
            case 0x93:                                                    // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard let n = name.string, let m = module.string else { throw EngineError.badPickle(path, "STACK_GLOBAL without names") }
                stack.append(try global(m, n))
            case 0x51:                                                    // BINPERSID
                stack.append(.storage(try persistentStorage(try pop())))
            case 0x52:                                                    // REDUCE
                let arguments = try pop(), callable = try pop()
                stack.append(try reduce(callable, arguments))
            case 0x62:                                                    // BUILD
                _ = try pop()
                // Only OrderedDict (state dicts carry `_metadata` as state) and tensors may be built;
                // their state is plain data and is ignored.
                switch try top() {
                case .dict, .tensor: break
                default: throw EngineError.forbiddenPickle(path, "BUILD on an object other than a dict or tensor")
                }
            default:
                throw EngineError.forbiddenPickle(path, "the pickle opcode \(Self.opcodeName(opcode))")
            }
        }
    }

    private mutating func long(_ n: Int) throws -> Int {
        guard n <= 8 else { throw EngineError.badPickle(path, "an integer of \(n) bytes is too large") }
        let raw = try take(n)
        guard n > 0 else { return 0 }
        var value: UInt64 = 0
        for i in (0..<n).reversed() { value = value << 8 | UInt64(raw[i]) }
        if n < 8, raw[n - 1] & 0x80 != 0 { value |= ~0 << UInt64(n * 8) }
        return Int(Int64(bitPattern: value))
    }

    private func recall(_ key: Int) throws -> PickleValue {
        guard let value = memo[key] else { throw EngineError.badPickle(path, "memo entry \(key) is unset") }
        return value
    }

    private func append(_ values: [PickleValue], to target: PickleValue) throws {
        guard case .list(let list) = target else { throw EngineError.badPickle(path, "APPEND on a non-list") }
        list.items.append(contentsOf: values)
    }

    private func setItems(_ items: [PickleValue], in dict: PickleDict) throws {
        guard items.count % 2 == 0 else { throw EngineError.badPickle(path, "an odd number of dict items") }
        for i in stride(from: 0, to: items.count, by: 2) { dict.set(items[i], items[i + 1]) }
    }

    private func global(_ module: String, _ name: String) throws -> PickleValue {
        let dotted = "\(module).\(name)"
        if Self.allowedCallables.contains(dotted) { return .global(dotted) }
        if module == "torch", PickleStorage.Element(rawValue: name) != nil { return .global(dotted) }
        throw EngineError.forbiddenPickle(path, "the global \(dotted)")
    }

    private func persistentStorage(_ id: PickleValue) throws -> PickleStorage {
        guard let fields = id.sequence, fields.count >= 5, fields[0].string == "storage",
              case .global(let type) = fields[1],
              let element = PickleStorage.Element(rawValue: String(type.dropFirst("torch.".count))),
              let key = fields[2].string ?? fields[2].int.map(String.init), let count = fields[4].int, count >= 0 else {
            throw EngineError.forbiddenPickle(path, "a persistent id that is not a tensor storage")
        }
        return PickleStorage(element: element, key: key, count: count)
    }

    private func reduce(_ callable: PickleValue, _ arguments: PickleValue) throws -> PickleValue {
        guard case .global(let name) = callable, let args = arguments.sequence else {
            throw EngineError.forbiddenPickle(path, "REDUCE on something other than an allowed function")
        }
        switch name {
        case "collections.OrderedDict":
            let dict = PickleDict()
            if let first = args.first, let pairs = first.sequence {
                for pair in pairs {
                    guard let kv = pair.sequence, kv.count == 2 else { throw EngineError.badPickle(path, "OrderedDict items are not pairs") }
                    dict.set(kv[0], kv[1])
                }
            }
            return .dict(dict)
        case "torch._utils._rebuild_tensor_v2":
            guard args.count >= 4, case .storage(let storage) = args[0], let offset = args[1].int,
                  let shape = args[2].sequence?.compactMap(\.int), let strides = args[3].sequence?.compactMap(\.int),
                  shape.count == strides.count, offset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
                throw EngineError.badPickle(path, "_rebuild_tensor_v2 has malformed arguments")
            }
            let last = offset + zip(shape, strides).reduce(0) { $0 + ($1.0 > 0 ? ($1.0 - 1) * $1.1 : 0) }
            guard shape.contains(0) || last < storage.count else {
                throw EngineError.badPickle(path, "a tensor reaches past the end of its storage")
            }
            return .tensor(PickleTensor(storage: storage, offset: offset, shape: shape, strides: strides))
        case "torch._utils._rebuild_parameter":
            guard let data = args.first, case .tensor = data else { throw EngineError.badPickle(path, "_rebuild_parameter without a tensor") }
            return data
        default:
            throw EngineError.forbiddenPickle(path, "a call to \(name)")
        }
    }

    /// Readable names of the opcodes this reader refuses.
    static func opcodeName(_ opcode: Int) -> String {
        let names: [Int: String] = [
            0x69: "INST", 0x6F: "OBJ", 0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
            0x50: "PERSID", 0x49: "INT", 0x4C: "LONG", 0x53: "STRING", 0x56: "UNICODE", 0x46: "FLOAT",
            0x70: "PUT", 0x67: "GET", 0x8B: "LONG4", 0x8F: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET",
            0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
        ]
        return names[opcode].map { "\($0) (0x\(String(opcode, radix: 16)))" } ?? "0x\(String(opcode, radix: 16))"
    }
}
