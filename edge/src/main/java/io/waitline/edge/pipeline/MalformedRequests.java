package io.waitline.edge.pipeline;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;

/**
 * Requests that Vert.x's HTTP/1.1 codec cannot take apart — a broken request line or headers, an HTTP version other
 * than 1.0 and 1.1, a chunked body whose framing is broken — answered with a problem and the connection closed, since
 * nothing after such bytes can be trusted to start a request. None of them reaches a route.
 */
public final class MalformedRequests {
  private static final String DECODER = HttpObjectDecoder.class.getName();

  private MalformedRequests() {}

  /**
   * Makes a request line with a version other than HTTP/1.0 or 1.1 an invalid request, answered by
   * {@link #answerInvalid} with a 505. Vert.x 5 has no public hook for this: its HTTP/1 request dispatcher answers
   * such a request 501 itself (with no body) unless the server takes WebSockets through its own handler, which the
   * feeds do not (they upgrade from their routes). So a handler placed right after Netty's decoder in the connection's
   * pipeline marks the request as undecodable, which Vert.x then hands to the server's invalid-request handler.
   */
  public static void watch(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      var pipeline = base.channelHandlerContext().pipeline();
      if (pipeline.get("httpDecoder") != null) pipeline.addAfter("httpDecoder", "unsupportedVersion", UNSUPPORTED_VERSION);
    }
  }

  /** The server's invalid-request handler: the request line or headers could not be decoded. */
  public static void answerInvalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof UnsupportedVersion v) {
      Problems.sendAndClose(request, 505, "http-version-not-supported", "HTTP version not supported",
          "Waitline speaks HTTP/1.1 (and HTTP/1.0); this request asked for " + v.getMessage() + ".", request.path());
    } else if (cause instanceof TooLongHttpLineException) {
      Problems.sendAndClose(request, 414, "uri-too-long", "Request line too long",
          "The request line (method, path and version) is longer than 4096 bytes.", null);
    } else if (cause instanceof TooLongHttpHeaderException) {
      Problems.sendAndClose(request, 431, "headers-too-large", "Request headers too large",
          "The request headers are larger than 8 KiB in all.", null);
    } else {
      // the decoder stands in a placeholder path for a head it could not read, so there is no instance to name
      Problems.sendAndClose(request, 400, "bad-request", "Bad request",
          "The request line or headers are not valid HTTP/1.1.", null);
    }
  }

  /**
   * The connection's exception handler while {@code request} is its current one: a body whose chunked framing is
   * broken (a chunk size that is not hexadecimal or too large, a chunk line longer than 4096 bytes) is answered 400.
   * The answer is written and the connection closed right here, before Vert.x closes it for the same failure.
   */
  public static void answerBrokenBody(HttpServerRequest request, Throwable err) {
    // a later, pipelined request's bytes cannot be answered before this one's
    if (!brokenBody(err) || request.isEnded() || request.response().headWritten()) return;
    Problems.sendAndClose(request, 400, "broken-chunked-body", "Broken chunked body",
        "The request body's chunked encoding is broken: each chunk must start with its size in hexadecimal, "
            + "on a line of at most 4096 bytes.", request.path());
  }

  /** The failure is Netty's decoder refusing the bytes of a body (not a network or TLS error). */
  static boolean brokenBody(Throwable err) {
    if (err instanceof IOException || err.getCause() instanceof IOException) return false;
    for (StackTraceElement frame : err.getStackTrace()) {
      if (frame.getClassName().startsWith(DECODER)) return true;
    }
    return false;
  }

  private static final ChannelHandler UNSUPPORTED_VERSION = new UnsupportedVersionCheck();

  /** The version a request asked for, when it is neither HTTP/1.0 nor HTTP/1.1. */
  private static final class UnsupportedVersion extends RuntimeException {
    UnsupportedVersion(String version) {
      super(version, null, false, false);
    }
  }

  @ChannelHandler.Sharable
  private static final class UnsupportedVersionCheck extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()
          && !HttpVersion.HTTP_1_1.equals(request.protocolVersion())
          && !HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
        String asked = request.protocolVersion().text();
        request.setProtocolVersion(HttpVersion.HTTP_1_1); // the answer says which version this server speaks
        request.setDecoderResult(DecoderResult.failure(new UnsupportedVersion(asked)));
      }
      ctx.fireChannelRead(msg);
    }
  }
}
