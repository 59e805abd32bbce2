import Foundation
import Testing
@testable import ArtFactoryPrompts

@Suite struct LoRATagTests {
    @Test func tagsAreSplitOutWithTheirWeights() throws {
        let (text, tags) = try LoRATag.extract(from: "a lighthouse <lora:brand:0.8>, dusk <lora:film grain> <LYCO:style:-0.5>")
        #expect(text == "a lighthouse , dusk  ")
        #expect(tags == [LoRATag(name: "brand", weight: 0.8), LoRATag(name: "film grain", weight: 1),
                         LoRATag(name: "style", weight: -0.5)])
        #expect(tags[0].text == "<lora:brand:0.8>")
        #expect(tags[1].text == "<lora:film grain:1>")
    }

    @Test func otherAngleBracketsAndPlainTextAreLeftAlone() throws {
        let (text, tags) = try LoRATag.extract(from: "a <b> c < d > <hypernet:x:1>")
        #expect(text == "a <b> c < d > <hypernet:x:1>")
        #expect(tags.isEmpty)
    }

    @Test func aNameGivenTwiceAddsItsWeights() throws {
        let (_, tags) = try LoRATag.extract(from: "<lora:a:0.5> x <lora:a:0.25>")
        #expect(tags == [LoRATag(name: "a", weight: 0.75)])
    }

    @Test func malformedTagsAreSyntaxErrorsWithAColumn() {
        for bad in ["x <lora::0.5>", "x <lora:a:heavy>", "x <lora:a:0.5:0.2>", "x <lora:../etc:1>", "x <lora:a:99>"] {
            #expect(throws: PromptError.self, "\(bad)") { try LoRATag.extract(from: bad) }
            do { _ = try LoRATag.extract(from: bad) } catch let e as PromptError {
                #expect(e.code == .syntax)
                #expect(e.column == 3, "\(bad): column \(String(describing: e.column))")
            } catch {}
        }
    }

    @Test func previewListsTagsAndDoesNotTokeniseThem() throws {
        let previewer = PromptPreviewer()
        let preview = try previewer.preview(PromptRequest(prompt: "a {red|blue} kettle <lora:brand:0.7>", mode: .combinatorial, count: 4))
        #expect(preview.finals.count == 2)
        #expect(preview.finals[0].prompt == "a red kettle <lora:brand:0.7>")
        #expect(preview.finals[0].loras == [LoRATag(name: "brand", weight: 0.7)])
        #expect(preview.finals[0].tokenCount == ApproximateTokenCounter().tokenCount("a red kettle "))
    }

    @Test func tagsInsideVariantsFollowTheChosenVariant() throws {
        let preview = try PromptPreviewer().preview(PromptRequest(prompt: "{<lora:a:1>|<lora:b:0.5>} cat", mode: .combinatorial, count: 4))
        #expect(preview.finals.map(\.loras) == [[LoRATag(name: "a")], [LoRATag(name: "b", weight: 0.5)]])
    }
}
