import ArtFactoryCatalog
import ArtFactoryPrompts
import ArtFactoryProtocol
import Foundation

/// Applies a saved template to `generate` params: the template's parameters fill every parameter the
/// request leaves out (explicit ones win), and its `{{placeholders}}` are filled from `vars`.
///
/// A template's params object holds `generate` parameters by their wire names (`prompt`, `steps`,
/// `width`, `sampler`, …) and optionally `defaults`, an object of placeholder values used when `vars`
/// has none. The template's `prompt` may contain `{{name}}` or `{{name|default}}`; when the request
/// also gives a prompt it fills the template's `{{prompt}}` placeholder, or replaces the template's
/// prompt when it has none. `negativePrompt` is filled the same way.
struct GenerateTemplate {
    /// What the applied template contributes to the recorded spec.
    struct Applied {
        var params: Generate.Params
        var name: String
        var id: String
        var version: Int64
        var vars: [String: String]
    }

    /// Members a template may not carry: they select other generations or templates.
    static let forbidden: Set<String> = ["template", "vars", "again", "reorder"]

    let catalog: CatalogDatabase

    /// The request with the template applied; the request itself when it names none.
    /// - Throws: `notFound` for an unknown template; `invalidParams` for a template parameter `generate`
    ///   does not take, a `vars` name the template does not use, or a placeholder left without a value.
    func apply(to request: Generate.Params) throws -> Applied? {
        guard let name = request.template else {
            if let vars = request.vars, !vars.isEmpty {
                throw RPCError.invalidParams("vars fill a template's placeholders; pass template too", field: "vars")
            }
            return nil
        }
        let template = try lookup(name)
        guard case .object(var members) = template.params else {
            throw RPCError.invalidParams("template '\(template.name)' does not hold a parameter object; save it again", field: "template")
        }
        func take(_ key: String) -> JSONValue? {
            defer { members[key] = nil }
            return members[key]
        }
        var defaults: [String: String] = [:]
        if let raw = take("defaults") {
            guard case .object(let object) = raw else {
                throw RPCError.invalidParams("template '\(template.name)': defaults must be an object of placeholder values", field: "template")
            }
            for (key, value) in object.members {
                guard case .string(let text) = value else {
                    throw RPCError.invalidParams("template '\(template.name)': the default for '\(key)' must be a string", field: "template")
                }
                defaults[key] = text
            }
        }
        if let bad = members.keys.first(where: Self.forbidden.contains) {
            throw RPCError.invalidParams("template '\(template.name)' sets '\(bad)', which a template cannot carry; remove it with template.save", field: "template")
        }
        let templatePrompt = take("prompt")?.stringValue
        let templateNegative = take("negativePrompt")?.stringValue

        // Explicit members win over the template's.
        let explicit = try JSONValueEncoder().encode(request)
        for (key, value) in explicit.objectValue?.members ?? []  where value != .null { members[key] = value }
        members["template"] = nil
        members["vars"] = nil
        var merged: Generate.Params
        do {
            merged = try JSONValueDecoder().decode(Generate.Params.self, from: .object(members))
        } catch let problem as DecodingProblem {
            throw RPCError.invalidParams("template '\(template.name)' has a parameter generate does not take (\(problem.message) at \(problem.path.joined(separator: ".")))",
                                         field: "template")
        }

        let vars = request.vars ?? [:]
        var known = Set<String>()
        if let templatePrompt {
            let text = PromptTemplate(name: template.name, text: templatePrompt, defaults: defaults)
            let names = Set(text.placeholders().map(\.name))
            known.formUnion(names)
            if request.prompt == nil || names.contains("prompt") {
                var values = vars
                if let given = request.prompt { values["prompt"] = given }
                merged.prompt = try render(text, values, field: "vars")
            }
        }
        if let given = request.prompt, merged.prompt == given {
            // The request's own prompt (the template has none, or no {{prompt}} to put it in).
            let text = PromptTemplate(name: template.name, text: given, defaults: defaults)
            known.formUnion(text.placeholders().map(\.name))
            merged.prompt = try render(text, vars, field: "vars")
        }
        if let negative = request.negativePrompt ?? templateNegative {
            let text = PromptTemplate(name: template.name, text: negative, defaults: defaults)
            known.formUnion(text.placeholders().map(\.name))
            merged.negativePrompt = try render(text, vars, field: "vars")
        }
        if let unused = vars.keys.sorted().first(where: { !known.contains($0) }) {
            let list = known.sorted().joined(separator: ", ")
            throw RPCError.invalidParams("template '\(template.name)' has no placeholder '\(unused)'"
                                         + (list.isEmpty ? "; it takes no vars" : "; its placeholders are \(list)"), field: "vars")
        }
        merged.template = nil
        merged.vars = nil
        return Applied(params: merged, name: template.name, id: template.id, version: template.version, vars: vars)
    }

    private func lookup(_ name: String) throws -> Template {
        if name.hasPrefix("tpl_"), let byId = try? catalog.template(name) { return byId }
        if let byName = try CatalogErrors.map({ try catalog.template(named: name) }) { return byName }
        let known = ((try? catalog.listTemplates()) ?? []).map(\.name).joined(separator: ", ")
        let hint = known.isEmpty ? "; save one with `artfactory template save`." : "; known: \(known)."
        throw RPCError(code: RPCErrorCode.notFound, message: "No template named '\(name)'" + hint,
                       data: ["kind": "notFound", "path": "template"])
    }

    private func render(_ template: PromptTemplate, _ values: [String: String], field: String) throws -> String {
        do {
            return try template.render(values: values)
        } catch let e as PromptError {
            throw RPCError.invalidParams(e.message + " (generate: --var name=value)", field: field)
        }
    }
}
