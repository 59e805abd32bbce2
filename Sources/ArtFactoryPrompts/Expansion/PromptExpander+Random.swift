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
            let chosen = wildcard.sampler == .cyclical ? scope.promptIndex % options.count
                : rng.index(below: options.count)
            return try sample(options[chosen], scope: &inner, rng: &rng)
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
        let chosen: [Int]
        if variant.sampler == .cyclical {
            let count = range.lowerBound + rng.index(below: range.count)
            let start = options.isEmpty ? 0 : (scope.promptIndex % options.count) * max(count, 1)
            chosen = (0..<count).map { (start + $0) % options.count }
        } else {
            chosen = rng.weightedSubset(options.map(\.weight), sizes: range)
        }
        var picked: [String] = []
        for index in chosen {
            picked.append(try sample(options[index].node, scope: &inner, rng: &rng))
        }
        if wildcardOptions(variant) == nil { scope = inner }
        return picked.joined(separator: variant.separator ?? VariantNode.defaultSeparator)
    }
}
