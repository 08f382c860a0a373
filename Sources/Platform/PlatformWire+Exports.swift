// The parsers of untrusted bytes and the error types they throw live in PlatformWire
// (Sources/Platform/Wire), which depends on nothing but Foundation so the fuzz binary builds
// without NIO and Hummingbird. Platform's files and clients see them as Platform's own.
@_exported public import PlatformWire
