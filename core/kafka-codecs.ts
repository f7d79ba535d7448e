import kafkajs from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';
import { compressFrame, decompressFrame } from 'lz4-napi';

/**
 * Teaches kafkajs the Snappy and LZ4 codecs, which log shippers (Fluent Bit, Vector, Filebeat)
 * commonly use; kafkajs implements only gzip itself. Kafka's LZ4 is the LZ4 frame format.
 * Registration is global to the kafkajs module, so calling this more than once is harmless.
 *
 * NOTE: Zstandard is not registered: its Node bindings download a native binary at install
 * time, which this project does not depend on. A zstd-compressed batch fails to decode with
 * kafkajs's "ZSTD compression not implemented" error; configure the producer for gzip, snappy
 * or lz4 instead.
 */
export function registerKafkaCodecs(): void {
  // kafkajs is CommonJS and Node cannot see these two as named ESM exports.
  const { CompressionCodecs, CompressionTypes } = kafkajs;
  CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: async (encoder: { buffer: Buffer }) => compressFrame(encoder.buffer),
    decompress: async (buffer: Buffer) => decompressFrame(buffer),
  });
}
