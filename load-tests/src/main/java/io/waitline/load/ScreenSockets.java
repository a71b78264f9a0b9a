package io.waitline.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many WebSocket clients that only listen, as waiting-room screens do, on a few selector threads of plain
 * {@code java.nio}: non-blocking sockets, a real HTTP/1.1 upgrade, and frames read from one reused direct buffer per
 * thread ({@link FrameReader}). A client answers pings with pongs and closes with the close handshake, its frames
 * masked (RFC 6455). What it hears goes to {@link Screens} on the selector thread, with the time its bytes were read:
 * the benchmark's client spends as little CPU per frame as it can, since it shares the cores with the server it
 * measures.
 */
final class ScreenSockets implements AutoCloseable {
  /** What the screens hear, called on a selector thread (one client's calls always on the same thread). */
  interface Screens {
    /** A whole message of {@code client}, read at {@code nanos}: its first bytes and its length (see FrameReader). */
    void message(int client, long nanos, byte[] head, int headLength, long length);

    /**
     * {@code client} failed, once upgraded and before its close was asked for: the server broke the protocol, closed
     * it, or the connection broke. Its connection is gone (or goes once the server has answered its close).
     */
    void failed(int client, String why);
  }

  private static final int READ_BUFFER_BYTES = 64 * 1024;

  private final int headBytes;
  private final Screens screens;
  private final List<Loop> loops = new ArrayList<>();
  private final List<Connection> connections = new ArrayList<>();
  private final AtomicReference<String> openFailure = new AtomicReference<>();
  private Semaphore handshakes;
  private CountDownLatch gone;

  /**
   * @param selectors how many selector threads share the clients
   * @param headBytes how many of each message's first bytes {@link Screens#message} gets
   */
  ScreenSockets(int selectors, int headBytes, Screens screens) throws IOException {
    this.headBytes = headBytes;
    this.screens = screens;
    for (int i = 0; i < selectors; i++) loops.add(new Loop(i));
  }

  /**
   * Opens {@code clients} clients of {@code path} on {@code host:port}, numbered from 0, with at most
   * {@code atOnce} upgrades under way; returns once every one is upgraded. Fails with the first refusal, or when
   * an upgrade takes longer than {@code timeoutMs}.
   */
  void open(int clients, String host, int port, String path, String bearer, int atOnce, long timeoutMs)
      throws IOException, InterruptedException {
    if (!connections.isEmpty()) throw new IllegalStateException("these clients are open already");
    InetSocketAddress address = new InetSocketAddress(host, port);
    handshakes = new Semaphore(atOnce);
    gone = new CountDownLatch(clients);
    for (int i = 0; i < clients; i++) {
      acquire(1, timeoutMs);
      Loop loop = loops.get(i % loops.size());
      Connection c = new Connection(i, loop);
      connections.add(c);
      loop.run(() -> c.connect(address, host, port, path, bearer));
    }
    acquire(atOnce, timeoutMs);
  }

  /** Waits for {@code permits} upgrades to end; fails when one was refused. */
  private void acquire(int permits, long timeoutMs) throws IOException, InterruptedException {
    if (!handshakes.tryAcquire(permits, timeoutMs, TimeUnit.MILLISECONDS)) {
      throw new IOException("an upgrade took longer than " + timeoutMs + " ms");
    }
    String failure = openFailure.get();
    if (failure != null) throw new IOException(failure);
  }

  /**
   * Closes every client with the close handshake and returns once each TCP connection is gone (the server closes
   * it after answering), or fails after {@code timeoutMs}.
   */
  void closeAll(long timeoutMs) throws IOException, InterruptedException {
    for (Connection c : connections) c.loop.run(c::startClose);
    if (!gone.await(timeoutMs, TimeUnit.MILLISECONDS)) {
      throw new IOException(gone.getCount() + " of " + connections.size() + " connections were still open "
          + timeoutMs + " ms after their close");
    }
  }

  /** Stops the selector threads; any connection still open is dropped. */
  @Override
  public void close() throws InterruptedException {
    for (Loop loop : loops) loop.stop();
  }

  /** One selector thread and the connections it serves. */
  private final class Loop implements Runnable {
    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final SecureRandom random = new SecureRandom();
    private final byte[] mask = new byte[4];
    private volatile boolean running = true;

    Loop(int n) throws IOException {
      selector = Selector.open();
      thread = new Thread(this, "screens-" + n);
      thread.setDaemon(true);
      thread.start();
    }

    void run(Runnable task) {
      tasks.add(task);
      selector.wakeup();
    }

    void stop() throws InterruptedException {
      running = false;
      selector.wakeup();
      thread.join();
    }

    @Override
    public void run() {
      try (selector) {
        while (running) {
          selector.select();
          for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) task.run();
          for (SelectionKey key : selector.selectedKeys()) {
            Connection c = (Connection) key.attachment();
            if (key.isValid()) c.ready(key);
          }
          selector.selectedKeys().clear();
        }
        for (SelectionKey key : selector.keys()) ((Connection) key.attachment()).drop();
      } catch (IOException e) {
        throw new IllegalStateException("the selector failed", e);
      }
    }

    byte[] mask() {
      random.nextBytes(mask);
      return mask;
    }
  }

  /** One client; touched only on its loop's thread. */
  private final class Connection implements FrameReader.Listener {
    final int index;
    final Loop loop;
    private SocketChannel channel;
    private SelectionKey key;
    private Handshake handshake;
    /** The upgrade's answer as it comes; null once upgraded. */
    private byte[] answer = new byte[512];
    private int answerLength;
    private FrameReader reader;
    /** What is still to be written (the upgrade request, a pong, a close); null when nothing. */
    private ByteBuffer pending;
    private boolean closing;
    private boolean closed;
    private long readNanos;

    Connection(int index, Loop loop) {
      this.index = index;
      this.loop = loop;
    }

    void connect(InetSocketAddress address, String host, int port, String path, String bearer) {
      try {
        handshake = new Handshake(host, port, path, bearer, loop.random);
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        key = channel.register(loop.selector, SelectionKey.OP_CONNECT, this);
        if (channel.connect(address)) connected();
      } catch (IOException e) {
        fail("could not connect to " + address + ": " + e.getMessage());
      }
    }

    void ready(SelectionKey k) {
      try {
        if (k.isConnectable() && channel.finishConnect()) connected();
        if (k.isValid() && k.isWritable()) flush();
        if (k.isValid() && k.isReadable()) read();
      } catch (IOException | FrameReader.ProtocolException e) {
        fail(e.getMessage());
      }
    }

    private void connected() throws IOException {
      key.interestOps(SelectionKey.OP_READ);
      send(handshake.request());
    }

    private void read() throws IOException, FrameReader.ProtocolException {
      ByteBuffer in = loop.readBuffer.clear();
      int n = channel.read(in);
      readNanos = System.nanoTime();
      if (n < 0) {
        ended();
        return;
      }
      in.flip();
      if (answer != null && !readAnswer(in)) return;
      reader.read(in, this);
    }

    /** Takes the upgrade's answer from {@code in}; true once upgraded, {@code in} then at the first frame's byte. */
    private boolean readAnswer(ByteBuffer in) throws IOException {
      int start = answerLength;
      int n = Math.min(in.remaining(), Handshake.MAX_ANSWER_BYTES - answerLength);
      if (answerLength + n > answer.length) {
        answer = Arrays.copyOf(answer, Math.min(Handshake.MAX_ANSWER_BYTES, 2 * (answerLength + n)));
      }
      in.get(in.position(), answer, answerLength, n);
      answerLength += n;
      int end = Handshake.answerEnd(answer, answerLength);
      if (end < 0) {
        if (answerLength == Handshake.MAX_ANSWER_BYTES) throw new IOException("the upgrade's answer never ended");
        in.position(in.limit());
        return false;
      }
      in.position(in.position() + end - start);
      String refusal = handshake.refusal(new String(answer, 0, end - 4, StandardCharsets.ISO_8859_1));
      if (refusal != null) throw new IOException(refusal);
      answer = null;
      handshake = null;
      reader = new FrameReader(headBytes);
      handshakes.release();
      return true;
    }

    @Override
    public void message(byte[] head, int headLength, long length) {
      screens.message(index, readNanos, head, headLength, length);
    }

    @Override
    public void ping(byte[] payload, int length) {
      if (!closing) sendQuietly(MaskedFrame.pong(payload, length, loop.mask()));
    }

    @Override
    public void closeFrame(int code) {
      if (!closing) {
        closing = true;
        sendQuietly(MaskedFrame.close(code, loop.mask()));
        screens.failed(index, String.format(Locale.ROOT, "closed by the server (%d)", code));
      }
      // the server closes the TCP connection now: ended() follows
    }

    /** Our close: the close frame; the server answers it and ends the TCP connection. */
    void startClose() {
      if (closing || closed) return;
      closing = true;
      sendQuietly(MaskedFrame.close(1000, loop.mask()));
    }

    /** The server ended the TCP connection. */
    private void ended() {
      if (closing) {
        drop();
      } else {
        fail("the server ended the connection without a close frame");
      }
    }

    private void send(ByteBuffer frame) throws IOException {
      if (pending != null) {
        pending = ByteBuffer.allocate(pending.remaining() + frame.remaining()).put(pending).put(frame).flip();
      } else {
        channel.write(frame);
        if (frame.hasRemaining()) pending = frame;
      }
      if (pending != null) key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
    }

    private void sendQuietly(ByteBuffer frame) {
      try {
        send(frame);
      } catch (IOException e) {
        fail(e.getMessage());
      }
    }

    private void flush() throws IOException {
      channel.write(pending);
      if (pending.hasRemaining()) return;
      pending = null;
      key.interestOps(SelectionKey.OP_READ);
    }

    private void fail(String why) {
      if (closed) return;
      String failure = "client " + index + ": " + why;
      if (answer != null) {
        openFailure.compareAndSet(null, failure);
        handshakes.release();
      } else if (!closing) {
        screens.failed(index, why);
      }
      drop();
    }

    /** Closes the socket (once); the client is gone. */
    void drop() {
      if (closed) return;
      closed = true;
      try {
        if (channel != null) channel.close();
      } catch (IOException ignored) {
        // closing is all that is left to do
      }
      gone.countDown();
    }
  }
}
