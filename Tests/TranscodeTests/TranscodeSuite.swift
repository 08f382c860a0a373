import Testing

/// Parent of every Transcode suite: serialized, so the memory test measures only itself and
/// the encoders do not fight over the two cores.
@Suite(.serialized) enum TranscodeSuite {}
