import Testing
@testable import ArtFactoryPrompts

@Suite struct PromptParserTests {
    let parser = PromptParser()

    private func variant(_ text: String) throws -> VariantNode {
        guard case .variant(let node) = try parser.parse(text) else {
            Issue.record("expected a variant for \(text)")
            return VariantNode(options: [], column: 0)
        }
        return node
    }

    private func syntaxError(_ text: String) -> PromptError? {
        do {
            _ = try parser.parse(text)
            return nil
        } catch let error as PromptError {
            return error
        } catch {
            return nil
        }
    }

    @Test func plainTextIsOneTextNode() throws {
        #expect(try parser.parse("a red car") == .text("a red car"))
    }

    @Test func variantSplitsOptionsAndTrimsThem() throws {
        let node = try variant("{ red | blue|green }")
        #expect(node.options.map(\.node) == [.text("red"), .text("blue"), .text("green")])
        #expect(node.minimum == 1 && node.maximum == 1)
        #expect(node.column == 1)
    }

    @Test func weightsAreParsedPerOption() throws {
        let node = try variant("{2::a|0.5::b|c}")
        #expect(node.options.map(\.weight) == [2, 0.5, 1])
        #expect(node.options.map(\.node) == [.text("a"), .text("b"), .text("c")])
    }

    @Test func countQuantifierWithDefaultSeparator() throws {
        let node = try variant("{2$$a|b|c}")
        #expect(node.minimum == 2 && node.maximum == 2 && node.separator == nil)
    }

    @Test func customSeparatorBetweenDollarPairs() throws {
        let node = try variant("{2$$ and $$a|b|c}")
        #expect(node.separator == " and ")
        #expect(node.options.count == 3)
    }

    @Test func rangeFormsAndOmittedBounds() throws {
        let full = try variant("{1-3$$a|b|c}")
        #expect(full.minimum == 1 && full.maximum == 3)
        let noLow = try variant("{-2$$a|b|c}")
        #expect(noLow.minimum == nil && noLow.maximum == 2)
        #expect(noLow.pickRange(available: 3) == 1...2)
        let noHigh = try variant("{2-$$a|b|c}")
        #expect(noHigh.minimum == 2 && noHigh.maximum == nil)
        #expect(noHigh.pickRange(available: 3) == 2...3)
        #expect(try variant("{4$$a|b|c}").pickRange(available: 3) == 3...3)
    }

    @Test func nestedVariantIsAnOptionNode() throws {
        let node = try variant("{a|{b|c}}")
        guard case .variant(let inner) = node.options[1].node else {
            Issue.record("expected nested variant"); return
        }
        #expect(inner.options.count == 2)
        #expect(inner.column == 4)
    }

    @Test func wildcardNamesPathsGlobsAndParameters() throws {
        #expect(try parser.parse("__colors__") == .wildcard(WildcardNode(pattern: "colors", column: 1)))
        #expect(try parser.parse("x __people/artists__") ==
            .sequence([.text("x "), .wildcard(WildcardNode(pattern: "people/artists", column: 3))]))
        guard case .wildcard(let glob) = try parser.parse("__colors/*__") else { Issue.record("glob"); return }
        #expect(glob.isGlob)
        guard case .wildcard(let params) = try parser.parse("__clothes(season=winter, x=y)__") else {
            Issue.record("params"); return
        }
        #expect(params.pattern == "clothes" && params.parameters == ["season": "winter", "x": "y"])
        #expect(try parser.parse("__people_of_the_world__") ==
            .wildcard(WildcardNode(pattern: "people_of_the_world", column: 1)))
    }

    @Test func variablesAssignImmediateKeepAndReference() throws {
        guard case .sequence(let nodes) = try parser.parse("${s=!{a|b}}${t?=x}${s} ${u:def}") else {
            Issue.record("sequence"); return
        }
        guard case .assignment(let s) = nodes[0], case .assignment(let t) = nodes[1],
              case .variable(let ref) = nodes[2], case .variable(let withDefault) = nodes[4] else {
            Issue.record("shape \(nodes)"); return
        }
        #expect(s.name == "s" && s.immediate && !s.keepsExisting)
        #expect(t.name == "t" && !t.immediate && t.keepsExisting && t.value == .text("x"))
        #expect(ref.name == "s" && ref.defaultValue == nil)
        #expect(withDefault.defaultValue == "def")
    }

    @Test func escapesProduceLiteralCharactersAndKeepEmphasisEscapes() throws {
        #expect(try parser.parse(#"\{a\|b\} \(x\)"#) == .text(#"{a|b} \(x\)"#))
        #expect(try parser.parse(#"\__x\__ cost \$5"#) == .text("__x__ cost $5"))
    }

    @Test func commentsRunToEndOfLine() throws {
        #expect(try parser.parse("a cat # not this\nsitting") == .text("a cat \nsitting"))
        #expect(try parser.parse("tag#1") == .text("tag#1"))
        #expect(try parser.parse("trending on #artstation") == .text("trending on #artstation"))
        #expect(try parser.parse("  #note\nfox") == .text("  \nfox"))
        #expect(try parser.parse("a \\# b") == .text("a # b"))
    }

    @Test func unclosedBraceReportsWhereItOpened() {
        let error = syntaxError("a cat {red|blue")
        #expect(error?.code == .syntax)
        #expect(error?.message.contains("unclosed '{' opened at column 7") == true)
        #expect(error?.column == 16)
    }

    @Test func syntaxMessageNamesColumnAndProblem() {
        #expect(syntaxError("a {red")?.message.hasPrefix(
            "Prompt syntax error at column 7: unclosed '{' opened at column 3.") == true)
        #expect(syntaxError("a {red")?.description.hasPrefix("[prompt.syntax] ") == true)
    }

    @Test func unmatchedClosingBraceReportsColumn() {
        let error = syntaxError("red} car")
        #expect(error?.column == 4)
        #expect(error?.message.contains("unmatched '}'") == true)
    }

    @Test func backwardsRangeIsAnError() {
        let error = syntaxError("{3-1$$a|b}")
        #expect(error?.code == .syntax)
        #expect(error?.message.contains("3-1") == true)
    }

    @Test func unclosedWildcardAndVariableAreErrors() {
        #expect(syntaxError("a __colors and more")?.message.contains("unclosed wildcard '__' opened at column 3") == true)
        #expect(syntaxError("${season=winter")?.message.contains("unclosed '${' opened at column 1") == true)
        #expect(syntaxError("${=x}")?.message.contains("expected a variable name") == true)
        #expect(syntaxError("${a+b}")?.column == 4)
    }

    @Test func trailingUnderscoresAndDollarsStayText() throws {
        #expect(try parser.parse("a__ b $5 __") == .text("a__ b $5 __"))
    }

    @Test func errorCodesAreStable() {
        #expect(PromptError.Code.allCases.map(\.rawValue) == [
            "prompt.syntax", "prompt.wildcard_not_found", "prompt.wildcard_cycle", "prompt.recursion_limit",
            "prompt.wildcard_unreadable", "prompt.undefined_variable", "prompt.variable_cycle",
            "prompt.missing_template_value", "prompt.too_long", "prompt.invalid_profile",
            "prompt.invalid_sweep", "prompt.sweep_too_large", "prompt.invalid_argument",
        ])
        #expect(PromptWarning.Code.allCases.map(\.rawValue) == [
            "over_window", "conflicting_terms", "empty_after_expansion", "missing_lighting", "missing_composition",
            "unbalanced_emphasis",
        ])
    }
}
