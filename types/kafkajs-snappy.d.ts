declare module 'kafkajs-snappy' {
  /** A kafkajs compression codec factory for Snappy. */
  const SnappyCodec: () => {
    compress: (encoder: { buffer: Buffer }) => Promise<Buffer>;
    decompress: (buffer: Buffer) => Promise<Buffer>;
  };
  export default SnappyCodec;
}
