// The wire's JSON values are ArtFactoryJSON's: every module that speaks the protocol sees
// `JSONValue`, `JSONParser`, `JSONWriter` and the Codable bridge through this import.
@_exported import ArtFactoryJSON
