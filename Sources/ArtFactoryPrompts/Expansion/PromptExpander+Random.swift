/// Random mode: one seeded pick per choice.
extension PromptExpander {
    func sample(_ node: PromptNode, scope: inout ExpansionScope, rng: inout SplitMix64) throws -> String {
        switch node {
        case .text(let text):
            return text
        case .sequence(let nodes):
            var result = ""
            for child in nodes { result += try sample(child, scope: &scope, rng: &rng) }
            return result
        case .variant(let variant):
            return try sampleVariant(variant, scope: &scope, rng: &rng)
        case .wildcard(let wildcard):
            let options = try entries(of: wildcard)
            var inner = try enter(wildcard, scope)
            return try sample(options[rng.index(below: options.count)], scope: &inner, rng: &rng)
        case .assignment(let assignment):
            if assignment.keepsExisting, scope.variables[assignment.name] != nil { return "" }
            if assignment.immediate {
                var inner = scope
                let value = try sample(assignment.value, scope: &inner, rng: &rng)
                scope.variables[assignment.name] = .value(value)
            } else {
                scope.variables[assignment.name] = .lazy(assignment.value)
            }
            return ""
        case .variable(let reference):
            switch try lookup(reference, scope) {
            case .value(let value):
                return value
            case .lazy(let node, var inner):
                return try sample(node, scope: &inner, rng: &rng)
            }
        }
    }

    private func sampleVariant(_ variant: VariantNode, scope: inout ExpansionScope,
                               rng: inout SplitMix64) throws -> String {
        var options = variant.options
        var inner = scope
        if let wildcard = wildcardOptions(variant) {
            options = try entries(of: wildcard).map { VariantNode.Option(node: $0) }
            inner = try enter(wildcard, scope)
        }
        let range = variant.pickRange(available: options.count)
        let count = range.lowerBound + rng.index(below: range.count)
        var remaining = Array(options.indices)
        var picked: [String] = []
        for _ in 0..<count {
            let chosen = pickWeighted(remaining.map { options[$0].weight }, rng: &rng)
            let option = options[remaining.remove(at: chosen)]
            picked.append(try sample(option.node, scope: &inner, rng: &rng))
        }
        if wildcardOptions(variant) == nil { scope = inner }
        return picked.joined(separator: variant.separator ?? VariantNode.defaultSeparator)
    }

    /// Index chosen in proportion to `weights`; uniform when every weight is zero.
    private func pickWeighted(_ weights: [Double], rng: inout SplitMix64) -> Int {
        let total = weights.reduce(0, +)
        guard total > 0 else { return rng.index(below: weights.count) }
        var target = rng.unit() * total
        for (index, weight) in weights.enumerated() {
            if target < weight { return index }
            target -= weight
        }
        return weights.lastIndex(where: { $0 > 0 }) ?? 0
    }
}
