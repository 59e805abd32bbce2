import Foundation

/// One self-hosted server in `providers.<comfyui|a1111|sdcpp>.servers`: either a URL string or an
/// object `{url, name, auth, maxConcurrent}`. Credentials live only here and in request headers;
/// they never appear in logs, results or errors (``ServerEntry/label`` is host and port only).
public struct ServerEntry: Codable, Sendable, Equatable {
    /// `http(s)://host:port` (a path prefix is kept, for servers behind a reverse proxy).
    public var url: String
    /// A short name shown in `provider list` and `models list`; default `host:port`.
    public var name: String?
    /// Basic (`user`/`password`, A1111's `--api-auth`) or bearer (`token`) credentials.
    public var auth: ServerAuth?
    /// Jobs sent to this server at once (default 1: these servers run one prompt at a time).
    public var maxConcurrent: Int?

    public init(url: String, name: String? = nil, auth: ServerAuth? = nil, maxConcurrent: Int? = nil) {
        self.url = url
        self.name = name
        self.auth = auth
        self.maxConcurrent = maxConcurrent
    }

    enum CodingKeys: String, CodingKey { case url, name, auth, maxConcurrent }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            self.init(url: text)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(url: try c.decode(String.self, forKey: .url), name: try c.decodeIfPresent(String.self, forKey: .name),
                  auth: try c.decodeIfPresent(ServerAuth.self, forKey: .auth), maxConcurrent: try c.decodeIfPresent(Int.self, forKey: .maxConcurrent))
    }

    /// What to show for this server: its name, else `host:port` (never credentials).
    var label: String {
        if let name, !name.isEmpty { return name }
        guard let u = URL(string: url), let host = u.host else { return "server" }
        return u.port.map { "\(host):\($0)" } ?? host
    }

    /// A problem with this entry, or nil. `at` names it (`providers.comfyui.servers[1]`).
    func problem(at path: String) -> String? {
        guard let u = URL(string: url), let scheme = u.scheme, ["http", "https"].contains(scheme), u.host != nil else {
            return "\(path).url must be an http(s) URL such as http://gpu-box:8188, got '\(url)'"
        }
        if u.user != nil || u.password != nil {
            return "\(path).url must not hold credentials; put them in \(path).auth ({\"user\", \"password\"} or {\"token\"})"
        }
        if u.query != nil || u.fragment != nil { return "\(path).url must not have a query or fragment" }
        if let n = maxConcurrent, !(1...64).contains(n) { return "\(path).maxConcurrent must be 1…64" }
        if let name, name.isEmpty || name.count > 64 || name.contains(where: { $0.isWhitespace || $0 == "," }) {
            return "\(path).name must be 1-64 characters without spaces or commas"
        }
        if let auth { return auth.problem(at: path + ".auth") }
        return nil
    }
}

/// Credentials for one server: HTTP basic (`user` + `password`) or a bearer `token`.
public struct ServerAuth: Codable, Sendable, Equatable {
    public var user: String?
    public var password: String?
    public var token: String?

    public init(user: String? = nil, password: String? = nil, token: String? = nil) {
        self.user = user
        self.password = password
        self.token = token
    }

    /// The `Authorization` header value.
    var header: String? {
        if let token, !token.isEmpty { return "Bearer \(token)" }
        if let user, let password { return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString() }
        return nil
    }

    /// The secrets, to scrub from any text a server sends back.
    var secrets: [String] { [password, token].compactMap { $0 }.filter { $0.count >= 4 } }

    func problem(at path: String) -> String? {
        switch (user != nil || password != nil, token != nil) {
        case (true, true): return "\(path): give either user and password (basic) or token (bearer), not both"
        case (true, false):
            guard let user, !user.isEmpty, !user.contains(":"), password != nil else {
                return "\(path): basic auth needs a user (without ':') and a password"
            }
            return nil
        case (false, true): return token!.isEmpty ? "\(path).token is empty" : nil
        case (false, false): return "\(path): give user and password, or token"
        }
    }
}

/// A user's own ComfyUI workflow (API format, "Save (API)" in ComfyUI), registered as a template:
/// `providers.comfyui.workflows.<name> = {file, inputs: {prompt: "6.text", seed: "3.seed", …}}`.
/// Each input maps one of ours to `node id.input name` in the file; the rest of the graph is sent
/// as it is. Used with `generate --model comfyui:<checkpoint> --param workflow=<name>`.
public struct ComfyWorkflowSettings: Codable, Sendable, Equatable {
    /// Path of the workflow JSON (absolute, or relative to the config directory).
    public var file: String
    /// Our input → `node.input`. Known inputs: prompt, negativePrompt, seed, steps, guidance,
    /// width, height, checkpoint, sampler, scheduler, denoise, image, mask, batchSize.
    public var inputs: [String: String]

    public init(file: String, inputs: [String: String]) {
        self.file = file
        self.inputs = inputs
    }

    static let knownInputs: Set<String> = ["prompt", "negativePrompt", "seed", "steps", "guidance", "width", "height", "checkpoint",
                                           "sampler", "scheduler", "denoise", "image", "mask", "batchSize"]

    func problem(at path: String) -> String? {
        if file.isEmpty { return "\(path).file is empty" }
        if inputs["prompt"] == nil { return "\(path).inputs must map at least prompt (e.g. \"prompt\": \"6.text\")" }
        for (key, target) in inputs.sorted(by: { $0.key < $1.key }) {
            guard Self.knownInputs.contains(key) else {
                return "\(path).inputs.\(key): unknown input; use \(Self.knownInputs.sorted().joined(separator: ", "))"
            }
            let parts = target.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                return "\(path).inputs.\(key) must be \"<node id>.<input name>\", got '\(target)'"
            }
        }
        return nil
    }
}
