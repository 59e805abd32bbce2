@main
struct ArtFactoryCLIMain { static func main() {} }
