/// Whole-prompt checking before anything is queued.
extension PromptExpander {
    /// Checks that `text` and every wildcard it can reach are well formed, without expanding.
    ///
    /// Random expansion only reads the wildcard entries it happens to pick, so a broken entry could
    /// otherwise surface in the middle of a batch; the daemon calls this (through
    /// ``PromptPreviewer/preview(_:)``) before queueing.
    /// - Throws: ``PromptError``: syntax errors (in the prompt or naming the wildcard entry), missing
    ///   wildcards, wildcard cycles, nesting beyond ``maxDepth``.
    public func validate(_ text: String) throws {
        var checked = Set<String>()
        try validate(parser.parse(text), scope: ExpansionScope(), checked: &checked)
    }

    private func validate(_ node: PromptNode, scope: ExpansionScope, checked: inout Set<String>) throws {
        switch node {
        case .text, .variable:
            return
        case .sequence(let nodes):
            for child in nodes { try validate(child, scope: scope, checked: &checked) }
        case .variant(let variant):
            for option in variant.options { try validate(option.node, scope: scope, checked: &checked) }
        case .assignment(let assignment):
            try validate(assignment.value, scope: scope, checked: &checked)
        case .wildcard(let wildcard):
            let inner = try enter(wildcard, scope)
            guard checked.insert(wildcard.pattern).inserted else { return }
            let options = try entries(of: wildcard)
            for index in options.indices {
                try validate(parseEntry(options, index, of: wildcard), scope: inner, checked: &checked)
            }
        }
    }
}
