import Foundation
import Testing
@testable import ArtFactoryPrompts

@Suite struct PromptTemplateTests {
    @Test func rendersValuesDefaultsAndInlineDefaults() throws {
        let template = PromptTemplate(name: "product", text: "a {{subject}} in {{style}} style, {{light|soft light}}",
                                      defaults: ["style": "art deco"])
        #expect(try template.render(values: ["subject": "teapot"]) == "a teapot in art deco style, soft light")
        #expect(try template.render(values: ["subject": "vase", "style": "bauhaus", "light": "neon"])
            == "a vase in bauhaus style, neon")
    }

    @Test func templateDefaultBeatsInlineDefault() throws {
        let template = PromptTemplate(name: "t", text: "{{light|soft light}}", defaults: ["light": "studio light"])
        #expect(try template.render() == "studio light")
    }

    @Test func missingValuesAreAllNamedInTheError() {
        let template = PromptTemplate(name: "scene", text: "{{subject}} at {{place}} and {{subject}}")
        #expect { try template.render() } throws: { error in
            guard let error = error as? PromptError else { return false }
            return error.code == .missingTemplateValue && error.message.contains("{{subject}}, {{place}}")
                && error.message.contains("'scene'")
        }
    }

    @Test func placeholdersAndRequiredNames() {
        let template = PromptTemplate(name: "t", text: "x {{ a }} {{b|1}} {{a}} {{c}}", defaults: ["c": "z"])
        #expect(template.placeholders().map(\.name) == ["a", "b", "a", "c"])
        #expect(template.placeholders()[0].column == 3)
        #expect(template.placeholders()[1].inlineDefault == "1")
        #expect(template.requiredNames() == ["a"])
    }

    @Test func dynamicPromptSyntaxIsLeftForTheExpander() throws {
        let template = PromptTemplate(name: "t", text: "{{subject}} {{a|b}|c} {red|blue}")
        let rendered = try template.render(values: ["subject": "{cat|dog}"])
        #expect(rendered == "{cat|dog} {{a|b}|c} {red|blue}")
        #expect(try PromptExpander().expand(rendered, mode: .combinatorial, maxCount: 100).count == 2 * 3 * 2)
    }

    @Test func paramsRoundTripThroughJSON() throws {
        let template = PromptTemplate(name: "hero", text: "{{subject}}", params: [
            "steps": 30, "guidance": 7.5, "sampler": "euler_a", "hires": true,
            "size": .object(["width": 768, "height": 512]), "tags": .array(["a", "b"]), "none": .null,
        ])
        let data = try JSONEncoder().encode(template)
        let decoded = try JSONDecoder().decode(PromptTemplate.self, from: data)
        #expect(decoded == template)
        #expect(decoded.params["steps"]?.intValue == 30)
        #expect(decoded.params["guidance"]?.doubleValue == 7.5)
        #expect(decoded.params["sampler"]?.stringValue == "euler_a")
    }

    @Test func templateValueDescriptions() {
        #expect(TemplateValue.number(20).description == "20")
        #expect(TemplateValue.number(7.5).description == "7.5")
        #expect(TemplateValue.bool(false).description == "false")
        #expect(TemplateValue.array([1, "x"]).description == "[1, x]")
    }
}
