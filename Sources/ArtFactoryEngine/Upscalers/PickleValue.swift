/// A value the restricted unpickler can produce: plain data, containers, and references to tensor
/// storages. There is deliberately no case for an arbitrary object or callable.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list(PickleList)
    case tuple([PickleValue])
    case dict(PickleDict)
    /// One of the few allowed globals (`collections.OrderedDict`, torch's tensor rebuild functions,
    /// storage types), by its dotted name; only ever called by the interpreter itself.
    case global(String)
    /// A storage named by a persistent id: `('storage', torch.FloatStorage, key, location, numel)`.
    case storage(PickleStorage)
    /// A tensor view of a storage (`torch._utils._rebuild_tensor_v2`).
    case tensor(PickleTensor)

    var string: String? { if case .string(let s) = self { return s }; return nil }
    var int: Int? {
        switch self {
        case .int(let v): return v
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
    var dict: PickleDict? { if case .dict(let d) = self { return d }; return nil }
    /// Items of a tuple or list.
    var sequence: [PickleValue]? {
        switch self {
        case .tuple(let items): return items
        case .list(let list): return list.items
        default: return nil
        }
    }
}

/// A list, by reference: pickle fills lists after memoizing them.
final class PickleList {
    var items: [PickleValue] = []
}

/// A dict (or OrderedDict), by reference, keeping insertion order.
final class PickleDict {
    private(set) var keys: [PickleValue] = []
    private(set) var values: [PickleValue] = []
    private var index: [String: Int] = [:]

    func set(_ key: PickleValue, _ value: PickleValue) {
        if let name = key.string, let i = index[name] { values[i] = value; return }
        if let name = key.string { index[name] = keys.count }
        keys.append(key)
        values.append(value)
    }

    /// The value under a string key.
    subscript(_ name: String) -> PickleValue? { index[name].map { values[$0] } }

    /// String-keyed entries in order.
    var entries: [(String, PickleValue)] {
        zip(keys, values).compactMap { key, value in key.string.map { ($0, value) } }
    }
}

/// A storage: element type, key of its `data/<key>` entry and element count.
struct PickleStorage {
    enum Element: String {
        case float = "FloatStorage", half = "HalfStorage", bfloat16 = "BFloat16Storage", double = "DoubleStorage"
        case long = "LongStorage", int = "IntStorage", short = "ShortStorage", char = "CharStorage"
        case byte = "ByteStorage", bool = "BoolStorage"

        var size: Int {
            switch self {
            case .double, .long: return 8
            case .float, .int: return 4
            case .half, .bfloat16, .short: return 2
            case .char, .byte, .bool: return 1
            }
        }
    }

    let element: Element
    let key: String
    let count: Int
}

/// A strided view of a storage.
struct PickleTensor {
    let storage: PickleStorage
    let offset: Int
    let shape: [Int]
    let strides: [Int]
}
