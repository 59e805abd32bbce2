/// Glob matching and "did you mean" suggestions for wildcard names.
enum WildcardMatcher {
    /// Matches `name` against `pattern`: `**` matches anything (folders included), `*` anything but
    /// `/`, `?` one character other than `/`. A pattern ending in `/**` or `/*` matches the folder's files.
    /// Runs in O(name × pattern) time (memoized), so hostile patterns cannot blow up.
    static func matches(_ name: String, pattern: String) -> Bool {
        var matcher = GlobMatch(name: Array(name), pattern: Array(pattern))
        return matcher.match(0, 0)
    }

    /// Up to `limit` known names close to `wanted`: same last component, containing it, or within a
    /// small edit distance; closest first.
    static func suggestions(for wanted: String, among names: [String], limit: Int = 5) -> [String] {
        let target = wanted.lowercased()
        let leaf = target.split(separator: "/").last.map(String.init) ?? target
        var scored: [(String, Int)] = []
        for name in names {
            let lower = name.lowercased()
            let nameLeaf = lower.split(separator: "/").last.map(String.init) ?? lower
            let distance = min(editDistance(lower, target), editDistance(nameLeaf, leaf))
            let threshold = max(2, target.count / 3)
            if distance <= threshold {
                scored.append((name, distance))
            } else if lower.contains(leaf) || (nameLeaf.count >= 3 && target.contains(nameLeaf)) {
                scored.append((name, threshold + 1))
            }
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(limit).map(\.0)
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// Memoized glob matching state.
private struct GlobMatch {
    let name: [Character]
    let pattern: [Character]
    /// 0 unknown, 1 matches, 2 does not; indexed by `n * (pattern.count + 1) + p`.
    var memo: [UInt8]

    init(name: [Character], pattern: [Character]) {
        self.name = name
        self.pattern = pattern
        memo = [UInt8](repeating: 0, count: (name.count + 1) * (pattern.count + 1))
    }

    mutating func match(_ n: Int, _ p: Int) -> Bool {
        let key = n * (pattern.count + 1) + p
        if memo[key] != 0 { return memo[key] == 1 }
        let result = compute(n, p)
        memo[key] = result ? 1 : 2
        return result
    }

    private mutating func compute(_ n: Int, _ p: Int) -> Bool {
        if p == pattern.count { return n == name.count }
        let token = pattern[p]
        if token == "*" {
            let deep = p + 1 < pattern.count && pattern[p + 1] == "*"
            let next = deep ? p + 2 : p + 1
            // Either the star matches nothing, or it swallows one more character and stays.
            if match(n, next) { return true }
            guard n < name.count, deep || name[n] != "/" else { return false }
            return match(n + 1, p)
        }
        guard n < name.count else { return false }
        if token == "?" { return name[n] != "/" && match(n + 1, p + 1) }
        return token == name[n] && match(n + 1, p + 1)
    }
}
