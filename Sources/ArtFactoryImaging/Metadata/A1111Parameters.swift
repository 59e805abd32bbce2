import Foundation

/// Reads and writes the AUTOMATIC1111 `parameters` text that most Stable Diffusion tools understand:
///
/// ```
/// a castle on a hill, golden hour
/// Negative prompt: blurry, lowres
/// Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model hash: 6ce0161689, Model: v1-5
/// ```
///
/// Values containing `,`, `:` or a newline are JSON-quoted (`Lora hashes: "a: 1, b: 2"`), as A1111 does.
public enum A1111Parameters {
    /// Parses `parameters` text.
    /// - Throws: ``ImagingError`` `invalid_metadata` for empty text.
    public static func parse(_ text: String) throws -> GenerationMetadata {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !normalized.isEmpty else {
            throw ImagingError(.invalidMetadata, "the A1111 parameters text is empty")
        }
        var lines = normalized.components(separatedBy: "\n")
        var fields: [(String, String)] = []
        if let last = lines.last {
            let parsed = parseFields(last)
            if parsed.count >= 3 {
                fields = parsed
                lines.removeLast()
            }
        }
        var prompt: [String] = [], negative: [String] = []
        var inNegative = false
        for line in lines {
            var content = line
            if !inNegative, content.hasPrefix("Negative prompt:") {
                inNegative = true
                content = String(content.dropFirst("Negative prompt:".count)).trimmingCharacters(in: .whitespaces)
            }
            if inNegative { negative.append(content) } else { prompt.append(content) }
        }
        var metadata = GenerationMetadata(source: .automatic1111,
                                          prompt: prompt.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
                                          negativePrompt: negative.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
        for (key, value) in fields { apply(key: key, value: value, to: &metadata) }
        return metadata
    }

    /// Writes `metadata` as A1111 `parameters` text (known fields first, then `extra` in order).
    public static func format(_ metadata: GenerationMetadata) -> String {
        var text = metadata.prompt
        if !metadata.negativePrompt.isEmpty { text += "\nNegative prompt: " + metadata.negativePrompt }
        var fields: [(String, String)] = []
        if let steps = metadata.steps { fields.append(("Steps", String(steps))) }
        if let sampler = metadata.sampler { fields.append(("Sampler", sampler)) }
        if let scheduler = metadata.scheduler { fields.append(("Schedule type", scheduler)) }
        if let cfg = metadata.cfgScale { fields.append(("CFG scale", formatNumber(cfg))) }
        if let seed = metadata.seed { fields.append(("Seed", String(seed))) }
        if let width = metadata.width, let height = metadata.height { fields.append(("Size", "\(width)x\(height)")) }
        if let hash = metadata.modelHash { fields.append(("Model hash", hash)) }
        if let model = metadata.model { fields.append(("Model", model)) }
        for field in metadata.extra { fields.append((field.key, field.value)) }
        if !fields.isEmpty {
            text += "\n" + fields.map { "\($0.0): \(quote($0.1))" }.joined(separator: ", ")
        }
        return text
    }

    /// Splits a `Key: value, Key: "quoted, value"` line into pairs, in order.
    static func parseFields(_ line: String) -> [(String, String)] {
        let scalars = Array(line.unicodeScalars)
        var result: [(String, String)] = []
        var index = 0
        func isKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
            CharacterSet.alphanumerics.contains(scalar) || scalar == " " || scalar == "-" || scalar == "/" || scalar == "_"
        }
        while index < scalars.count {
            while index < scalars.count, scalars[index] == " " { index += 1 }
            let keyStart = index
            while index < scalars.count, scalars[index] != ":", isKeyScalar(scalars[index]) { index += 1 }
            guard index < scalars.count, scalars[index] == ":", index > keyStart else {
                // Not a key: skip to the next comma and try again.
                while index < scalars.count, scalars[index] != "," { index += 1 }
                index += 1
                continue
            }
            let key = String(String.UnicodeScalarView(scalars[keyStart..<index])).trimmingCharacters(in: .whitespaces)
            index += 1
            while index < scalars.count, scalars[index] == " " { index += 1 }
            var value = ""
            if index < scalars.count, scalars[index] == "\"" {
                let quoteStart = index
                index += 1
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\" { index += 1 }
                    index += 1
                }
                let end = min(index + 1, scalars.count)
                let quoted = String(String.UnicodeScalarView(scalars[quoteStart..<end]))
                value = unquote(quoted)
                index = end
                while index < scalars.count, scalars[index] != "," { index += 1 }
            } else {
                let valueStart = index
                while index < scalars.count, scalars[index] != "," { index += 1 }
                value = String(String.UnicodeScalarView(scalars[valueStart..<index])).trimmingCharacters(in: .whitespaces)
            }
            index += 1
            if !key.isEmpty, key.first?.isLetter == true || key.first?.isNumber == true { result.append((key, value)) }
        }
        return result
    }

    static func apply(key: String, value: String, to metadata: inout GenerationMetadata) {
        switch key.lowercased() {
        case "steps": if let steps = Int(value) { metadata.steps = steps; return }
        case "sampler": metadata.sampler = value; return
        case "schedule type": metadata.scheduler = value; return
        case "cfg scale": if let cfg = Double(value), cfg.isFinite { metadata.cfgScale = cfg; return }
        case "seed": if let seed = UInt64(value) { metadata.seed = seed; return }
        case "size":
            let parts = value.lowercased().split(separator: "x")
            if parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) {
                metadata.width = width
                metadata.height = height
                return
            }
        case "model hash": metadata.modelHash = value; return
        case "model": metadata.model = value; return
        default: break
        }
        metadata.extra.append(GenerationMetadata.Field(key: key, value: value))
    }

    /// A1111's quoting: JSON-encode values containing `,`, `:` or a newline.
    static func quote(_ value: String) -> String {
        guard value.contains(",") || value.contains(":") || value.contains("\n") || value.hasPrefix("\"") else { return value }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]),
              let quoted = String(data: data, encoding: .utf8) else { return value }
        return quoted
    }

    static func unquote(_ quoted: String) -> String {
        if let data = quoted.data(using: .utf8),
           let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? String {
            return value
        }
        return String(quoted.dropFirst().dropLast())
    }

    /// `7` for 7.0, `7.5` for 7.5 (the way A1111 prints CFG).
    static func formatNumber(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
