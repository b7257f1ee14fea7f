// A Byteman helper that makes Apache ZooKeeper's NIOServerCnxnFactory write a cnxnspec trace (JSONL) without
// changing its code: the rules in nio-factory.btm call these methods at the points where ZooKeeper accepts,
// hands off, selects, registers, creates a connection, runs an IO pass, changes interest ops (through the
// updateQueue), sets a session timeout, wakes and closes. One lock orders seq and file order together. Objects get
// stable names (ch0, k0, sel0) by identity; thread names are shortened to the spec's vocabulary.
package org.cnxnspec.recorder;

import java.io.BufferedWriter;
import java.io.FileWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.byteman.rule.Rule;
import org.jboss.byteman.rule.helper.Helper;

public class CnxnspecTraceHelper extends Helper {
  private static final Object LOCK = new Object();
  private static final long START = System.nanoTime();
  private static final Map<Object, String> NAMES = new IdentityHashMap<>();
  private static final Map<String, Integer> NEXT = new java.util.HashMap<>();
  private static final java.util.Set<String> CLOSED = new java.util.HashSet<>();
  private static final Pattern SELECTOR_THREAD = Pattern.compile("SelectorThread-(\\d+)");
  private static final Pattern WORKER = Pattern.compile("NIOWorkerThread-(\\d+)");
  private static BufferedWriter out;
  private static long seq;
  /** The NIOServerCnxnFactory, kept at start so that the driver's `qend` word can shut it down the normal way. */
  private static Object factory;
  private static boolean stopped;

  public CnxnspecTraceHelper(Rule rule) {
    super(rule);
  }

  private static String name(Object o, String prefix) {
    String known = NAMES.get(o);
    if (known != null) return known;
    int n = NEXT.merge(prefix, 1, Integer::sum) - 1;
    String fresh = prefix + n;
    NAMES.put(o, fresh);
    return fresh;
  }

  static String threadName(String raw) {
    Matcher m = SELECTOR_THREAD.matcher(raw);
    if (m.find()) return "SelectorThread-" + m.group(1);
    if (raw.contains("AcceptThread")) return "AcceptThread";
    m = WORKER.matcher(raw);
    if (m.find()) return "NIOWorker-" + m.group(1);
    if (raw.contains("Expirer")) return "ConnectionExpirer";
    return raw.replace("\"", "'");
  }

  private static String str(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void emit(String ev, String fields) {
    synchronized (LOCK) {
      try {
        if (out == null) {
          String path = System.getProperty("cnxnspec.trace");
          out = new BufferedWriter(new FileWriter(path));
          out.write("{\"ev\":\"meta\",\"schemaVersion\":2,\"complete\":false,\"timeSlackMs\":1000,\"source\":\"Apache ZooKeeper NIOServerCnxnFactory via Byteman (conformance/zookeeper/recorder)\"}\n");
        }
        double t = (System.nanoTime() - START) / 1_000_000.0;
        out.write("{\"seq\":" + (seq++) + ",\"t\":" + String.format(java.util.Locale.ROOT, "%.3f", t) + ",\"thread\":" + str(threadName(Thread.currentThread().getName()))
            + ",\"ev\":" + str(ev) + (fields.isEmpty() ? "" : "," + fields) + "}\n");
        out.flush();
      } catch (IOException e) {
        System.err.println("cnxnspec recorder: " + e);
      }
    }
  }

  /** An event with one field naming an object (`"sel":"sel0"`); naming takes the lock too. */
  private static void emitNamed(String ev, String field, Object o, String prefix) {
    synchronized (LOCK) {
      emit(ev, str(field) + ":" + str(name(o, prefix)));
    }
  }

  /** An offer to or poll from a selector thread's queue (a poll of an empty queue has item null). */
  private static void queued(String ev, String kind, Thread selectorThread, Object item, String prefix) {
    synchronized (LOCK) {
      String named = item == null ? "null" : str(name(item, prefix));
      emit(ev, "\"queue\":" + str(kind + "@" + threadName(selectorThread.getName())) + ",\"item\":" + named + (ev.equals("offer") ? ",\"ok\":true" : ""));
    }
  }

  /** Writes the quiescence marker, called by the driver through a four-letter word it never sends otherwise. */
  public void quiescent() {
    writeQuiescent();
  }

  private static void writeQuiescent() {
    synchronized (LOCK) {
      try {
        if (out != null) {
          out.write("{\"ev\":\"quiescent\"}\n");
          out.flush();
        }
      } catch (IOException e) {
        System.err.println("cnxnspec recorder: " + e);
      }
    }
  }

  public void configured(Set<? extends Thread> selectorThreads, int workers, int maxClientCnxns, int sessionlessTimeout) {
    StringBuilder names = new StringBuilder();
    for (Thread t : selectorThreads) names.append(names.length() == 0 ? "" : ",").append(str(threadName(t.getName())));
    emit("configured", "\"factory\":\"NIOServerCnxnFactory\",\"selectors\":[" + names + "],\"workers\":" + workers + ",\"maxClientCnxns\":" + maxClientCnxns
        + ",\"sessionlessTimeout\":" + sessionlessTimeout + ",\"expiryInterval\":" + sessionlessTimeout);
  }

  public void accept(SocketChannel ch) {
    String remote = "unknown:0";
    try {
      InetSocketAddress a = (InetSocketAddress) ch.getRemoteAddress();
      remote = a.getAddress().getHostAddress() + ":" + a.getPort();
    } catch (IOException | RuntimeException e) {
      // leave it unknown: the per-IP invariant then skips this channel
    }
    synchronized (LOCK) {
      emit("accept", "\"ss\":\"ss0\",\"ch\":" + str(name(ch, "ch")) + ",\"remote\":" + str(remote));
    }
  }

  /** Emitted just before the offer (see the rule); the unbounded queue always takes it. */
  public void offerAccepted(Thread selectorThread, SocketChannel ch) {
    queued("offer", "acceptedQueue", selectorThread, ch, "ch");
  }

  /** Queue.poll returns Object, so the rule hands it over as one. */
  public void pollAccepted(Thread selectorThread, Object ch) {
    queued("poll", "acceptedQueue", selectorThread, ch, "ch");
  }

  public void wakeup(Selector selector) {
    emitNamed("wakeup", "sel", selector, "sel");
  }

  public void selectBegin(Selector selector) {
    emitNamed("selectBegin", "sel", selector, "sel");
  }

  /** Java's select does not say whether wakeup ended it; an empty ready set is taken as woken. */
  public void selectEnd(Selector selector) {
    synchronized (LOCK) {
      StringBuilder ready = new StringBuilder();
      try {
        for (SelectionKey k : selector.selectedKeys()) {
          // Client keys on a selector thread's selector, the listening key on the accept thread's.
          if (!(k.channel() instanceof SocketChannel) && !(k.channel() instanceof ServerSocketChannel)) continue;
          ready.append(ready.length() == 0 ? "" : ",").append("{\"key\":").append(str(name(k, "k"))).append(",\"ops\":").append(k.readyOps()).append("}");
        }
      } catch (RuntimeException e) {
        // a closed selector: report no ready keys
      }
      emit("selectEnd", "\"sel\":" + str(name(selector, "sel")) + ",\"ready\":[" + ready + "],\"woken\":" + (ready.length() == 0));
    }
  }

  public void register(Selector selector, SelectionKey key) {
    synchronized (LOCK) {
      SocketChannel ch = (SocketChannel) key.channel();
      String c = str(name(ch, "ch"));
      String k = str(name(key, "k"));
      emit("register", "\"sel\":" + str(name(selector, "sel")) + ",\"ch\":" + c + ",\"key\":" + k + ",\"ops\":" + key.interestOps());
    }
  }

  public void close(SocketChannel ch, Object reason) {
    synchronized (LOCK) {
      String c = name(ch, "ch");
      if (!CLOSED.add(c)) return;
      String why = reason == null ? "unknown" : reason.toString().toLowerCase(java.util.Locale.ROOT);
      emit("close", "\"ch\":" + str(c) + ",\"reason\":" + str(why));
    }
  }

  /** After createConnection: the channel is now a connection counted for its address (per-IP limit). */
  public void cnxnCreated(SocketChannel ch, SelectionKey key) {
    synchronized (LOCK) {
      String ip = "unknown";
      try {
        ip = ((InetSocketAddress) ch.getRemoteAddress()).getAddress().getHostAddress();
      } catch (IOException | RuntimeException e) {
        // leave it unknown
      }
      emit("cnxnCreated", "\"ch\":" + str(name(ch, "ch")) + ",\"key\":" + str(name(key, "k")) + ",\"ip\":" + str(ip));
    }
  }

  /** doIO's entry and exit bracket one IO pass of a worker on a connection. */
  public void ioStart(SocketChannel ch) {
    emitNamed("ioStart", "ch", ch, "ch");
  }

  public void ioEnd(SocketChannel ch) {
    emitNamed("ioEnd", "ch", ch, "ch");
  }

  /** Called with the key interestOps(int) returned (the key itself): its ops are the ones just set. */
  public void interestOps(SelectionKey key) {
    synchronized (LOCK) {
      if (!(key.channel() instanceof SocketChannel)) return;
      int ops;
      try {
        ops = key.interestOps();
      } catch (RuntimeException e) {
        return; // cancelled meanwhile: nothing was set
      }
      emit("interestOps", "\"key\":" + str(name(key, "k")) + ",\"ch\":" + str(name(key.channel(), "ch")) + ",\"ops\":" + ops);
    }
  }

  /** Emitted just before the offer, like offerAccepted. */
  public void offerUpdate(Thread selectorThread, SelectionKey key) {
    queued("offer", "updateQueue", selectorThread, key, "k");
  }

  public void pollUpdate(Thread selectorThread, Object key) {
    queued("poll", "updateQueue", selectorThread, key, "k");
  }

  /** The timeout a connection expires by once it has a session (before that, the sessionless one). */
  public void session(SocketChannel ch, long sessionId, int timeout) {
    synchronized (LOCK) {
      emit("session", "\"ch\":" + str(name(ch, "ch")) + ",\"sessionId\":" + str("0x" + Long.toHexString(sessionId)) + ",\"timeout\":" + timeout);
    }
  }

  public void lifecycleStart(Object nioFactory) {
    synchronized (LOCK) {
      factory = nioFactory;
      emit("lifecycle", "\"phase\":\"start\"");
    }
  }

  /** stop() runs more than once (each selector thread calls it as it ends); the first call is the stop. */
  public void lifecycleStop() {
    synchronized (LOCK) {
      if (stopped) return;
      stopped = true;
      emit("lifecycle", "\"phase\":\"stop\"");
    }
  }

  public void threadStart() {
    emit("threadStart", "\"name\":" + str(threadName(Thread.currentThread().getName())));
  }

  public void threadEnd(Throwable error) {
    emit("threadEnd", "\"name\":" + str(threadName(Thread.currentThread().getName())) + (error == null ? "" : ",\"error\":" + str(error.toString())));
  }

  public void selectorClose(Selector selector) {
    emitNamed("selectorClose", "sel", selector, "sel");
  }

  /**
   * Called by the driver's word `qend`: shuts the factory down through its own shutdown(), off the worker thread
   * that read the word (shutdown joins the workers), waits for the connection expirer, then marks the end
   * quiescent: every thread has ended.
   */
  public void shutdownFactory() {
    Object f;
    synchronized (LOCK) {
      f = factory;
    }
    if (f == null) return;
    Thread t = new Thread(() -> {
      try {
        f.getClass().getMethod("shutdown").invoke(f);
        joinExpirer(f);
        emit("lifecycle", "\"phase\":\"joined\"");
        writeQuiescent();
      } catch (ReflectiveOperationException e) {
        System.err.println("cnxnspec recorder: shutdown failed: " + e);
      }
    }, "cnxnspec-shutdown");
    t.start();
  }

  /**
   * shutdown() interrupts the factory's connection expirer but does not join it, so on a loaded machine it can end
   * after the quiescence marker and the trace shows it running after stop. Waits for that one thread (the
   * factory's own `expirerThread` field), for at most 2 s so that the driver's deadline still holds.
   */
  private static void joinExpirer(Object f) {
    try {
      java.lang.reflect.Field field = f.getClass().getDeclaredField("expirerThread");
      field.setAccessible(true);
      Object expirer = field.get(f);
      if (expirer instanceof Thread) ((Thread) expirer).join(2_000);
    } catch (ReflectiveOperationException e) {
      System.err.println("cnxnspec recorder: could not find the connection expirer to wait for: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
