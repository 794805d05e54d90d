package dev.parley.api.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Upload chunks over a plain socket, for what an HTTP client library will not do: stop sending part-way and close
 * the connection, or go quiet.
 */
final class RawHttp {
  private RawHttp() {
  }

  private static byte[] head(String path, String token, long offset, long contentLength) {
    return ("PATCH " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n"
        + "Upload-Offset: " + offset + "\r\nContent-Type: application/offset+octet-stream\r\n"
        + "Content-Length: " + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** Declares {@code contentLength} bytes, sends {@code data[from, to)}, then closes the connection (FIN). */
  static void cutChunk(int port, String path, String token, long offset, long contentLength, byte[] data, int from,
                       int to) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(head(path, token, offset, contentLength));
      out.write(data, from, to - from);
      out.flush();
    }
  }

  /** Sends the headers and {@code sent} bytes then nothing; returns the status line the server answers with. */
  static String stalledChunk(int port, String path, String token, long offset, long contentLength, byte[] sent,
                             int readTimeoutMs) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(readTimeoutMs);
      OutputStream out = socket.getOutputStream();
      out.write(head(path, token, offset, contentLength));
      out.write(sent);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        line.write(b);
      }
      return line.toString(StandardCharsets.US_ASCII).trim();
    }
  }
}
