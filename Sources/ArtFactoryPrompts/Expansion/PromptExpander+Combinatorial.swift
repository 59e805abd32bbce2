/// Combinatorial mode: lazy streams of every combination.
extension PromptExpander {
    func stream(_ node: PromptNode, _ scope: ExpansionScope) throws -> CombinationStream {
        switch node {
        case .text(let text):
            return once(CombinationOutcome(text: text, scope: scope))
        case .sequence(let nodes):
            return try product(nodes[...], separator: "", scope)
        case .variant(let variant):
            return try variantStream(variant, scope)
        case .wildcard(let wildcard):
            let options = try entries(of: wildcard)
            let inner = try enter(wildcard, scope)
            var indices = Array(options.indices)
            if wildcard.sampler == .random, let random = scope.random {
                indices = [random.generator.index(below: options.count)]
            }
            return try concatenate(indices.map { index in
                { try self.stream(self.parseEntry(options, index, of: wildcard), inner) }
            }, restoring: scope)
        case .assignment(let assignment):
            if assignment.keepsExisting, scope.variables[assignment.name] != nil {
                return once(CombinationOutcome(text: "", scope: scope))
            }
            guard assignment.immediate else {
                var assigned = scope
                assigned.variables[assignment.name] = .lazy(assignment.value)
                return once(CombinationOutcome(text: "", scope: assigned))
            }
            let values = try stream(assignment.value, scope)
            return {
                guard let value = try values() else { return nil }
                var assigned = scope
                assigned.variables[assignment.name] = .value(value.text)
                return CombinationOutcome(text: "", scope: assigned)
            }
        case .variable(let reference):
            switch try lookup(reference, scope) {
            case .value(let value):
                return once(CombinationOutcome(text: value, scope: scope))
            case .lazy(let node, let inner):
                return try concatenate([{ try self.stream(node, inner) }], restoring: scope)
            }
        }
    }

    private func once(_ outcome: CombinationOutcome) -> CombinationStream {
        var done = false
        return {
            guard !done else { return nil }
            done = true
            return outcome
        }
    }

    /// Every outcome of `nodes` in order, first node varying slowest, joined by `separator`.
    private func product(_ nodes: ArraySlice<PromptNode>, separator: String,
                         _ scope: ExpansionScope) throws -> CombinationStream {
        guard let first = nodes.first else { return once(CombinationOutcome(text: "", scope: scope)) }
        let head = try stream(first, scope)
        let rest = nodes.dropFirst()
        if rest.isEmpty { return head }
        var tail: CombinationStream?
        var prefix = ""
        return {
            while true {
                if let current = tail, let outcome = try current() {
                    return CombinationOutcome(text: prefix + outcome.text, scope: outcome.scope)
                }
                guard let headOutcome = try head() else { return nil }
                prefix = headOutcome.text + separator
                tail = try self.product(rest, separator: separator, headOutcome.scope)
            }
        }
    }

    /// Runs the streams made by `makers` one after another; outcomes carry `restoring` as their
    /// scope, so variables set inside a wildcard or lazy variable stay inside it.
    private func concatenate(_ makers: [() throws -> CombinationStream],
                             restoring scope: ExpansionScope) throws -> CombinationStream {
        var index = 0
        var current: CombinationStream?
        return {
            while index < makers.count {
                if current == nil { current = try makers[index]() }
                if let stream = current, let outcome = try stream() {
                    return CombinationOutcome(text: outcome.text, scope: scope)
                }
                current = nil
                index += 1
            }
            return nil
        }
    }

    private func variantStream(_ variant: VariantNode, _ scope: ExpansionScope) throws -> CombinationStream {
        var weights = variant.options.map(\.weight)
        var inner = scope
        var optionNode: (Int) throws -> PromptNode = { variant.options[$0].node }
        let fromWildcard = wildcardOptions(variant)
        if let wildcard = fromWildcard {
            let entries = try entries(of: wildcard)
            weights = entries.map { _ in 1 }
            inner = try enter(wildcard, scope)
            optionNode = { try self.parseEntry(entries, $0, of: wildcard) }
        }
        let range = variant.pickRange(available: weights.count)
        let separator = variant.separator ?? VariantNode.defaultSeparator
        var subsets: any IteratorProtocol<[Int]> = IndexCombinations(count: weights.count, sizes: range)
        if variant.sampler == .random, let random = scope.random {
            subsets = [random.generator.weightedSubset(weights, sizes: range)].makeIterator()
        }
        var current: CombinationStream?
        let innerScope = inner
        return {
            while true {
                if let stream = current, let outcome = try stream() {
                    return CombinationOutcome(text: outcome.text,
                                              scope: fromWildcard == nil ? outcome.scope : scope)
                }
                guard let subset = subsets.next() else { return nil }
                current = try self.product(subset.map(optionNode)[...], separator: separator, innerScope)
            }
        }
    }
}

/// All index subsets of `0..<count` with sizes in `sizes`, smaller sizes first, each size in
/// lexicographic order: for 3 and 1...2 → [0] [1] [2] [0,1] [0,2] [1,2].
struct IndexCombinations: IteratorProtocol {
    let count: Int
    let sizes: ClosedRange<Int>
    private var size: Int
    private var indices: [Int]?

    init(count: Int, sizes: ClosedRange<Int>) {
        self.count = count
        self.sizes = sizes
        size = sizes.lowerBound
        indices = nil
    }

    mutating func next() -> [Int]? {
        while size <= sizes.upperBound, size <= count {
            guard var current = indices else {
                indices = Array(0..<size)
                return indices
            }
            // Advance to the next combination of the same size.
            var position = size - 1
            while position >= 0, current[position] == count - size + position { position -= 1 }
            if position < 0 {
                size += 1
                indices = nil
                continue
            }
            current[position] += 1
            for later in (position + 1)..<size { current[later] = current[later - 1] + 1 }
            indices = current
            return current
        }
        return nil
    }
}
