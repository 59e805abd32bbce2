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
            return try sample(parseEntry(options, chosen, of: wildcard), scope: &inner, rng: &rng)
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
        var weights = variant.options.map(\.weight)
        var inner = scope
        var optionNode: (Int) throws -> PromptNode = { variant.options[$0].node }
        if let wildcard = wildcardOptions(variant) {
            let entries = try entries(of: wildcard)
            weights = entries.map { _ in 1 }
            inner = try enter(wildcard, scope)
            optionNode = { try self.parseEntry(entries, $0, of: wildcard) }
        }
        let available = weights.count
        let range = variant.pickRange(available: available)
        let chosen: [Int]
        if variant.sampler == .cyclical {
            let count = range.lowerBound + rng.index(below: range.count)
            let start = available == 0 ? 0 : (scope.promptIndex % available) * max(count, 1)
            chosen = (0..<count).map { (start + $0) % available }
        } else {
            chosen = rng.weightedSubset(weights, sizes: range)
        }
        var picked: [String] = []
        for index in chosen {
            picked.append(try sample(optionNode(index), scope: &inner, rng: &rng))
        }
        if wildcardOptions(variant) == nil { scope = inner }
        return picked.joined(separator: variant.separator ?? VariantNode.defaultSeparator)
    }
}
