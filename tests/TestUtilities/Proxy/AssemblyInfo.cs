using System.Runtime.CompilerServices;

// The MQTT framer is tested directly: garbage and varint edge cases are easier to state as bytes than through sockets.
[assembly: InternalsVisibleTo("SmartLoudspeaker.TestUtilities.Tests")]
