/*
 * A workload of Apache Curator (Debian's libcurator-*-java 5.4), the client framework most Java users of ZooKeeper
 * build on, run the same way against two servers.
 *
 * Usage: java -cp <ZooKeeper and Curator jars> CuratorWorkload.java HOST:PORT
 *
 * It prints one JSON array of [step, observation] pairs. An observation holds only what Apache ZooKeeper and a
 * conforming server must agree on once server-chosen values are set aside (zxids, times, session ids, and the
 * random part of Curator's protected names). The test that runs it
 * (conformance/suites/zookeeper-differential-curator.test.ts) compares the two arrays.
 */

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.framework.recipes.nodes.GroupMember;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

public class CuratorWorkload {
  static final String ROOT = "/cu";
  static final List<String> steps = new ArrayList<>();

  interface Step {
    Object run() throws Exception;
  }

  static void record(String name, Object value) {
    steps.add("[" + json(name) + "," + json(value) + "]");
  }

  /** The value, or the KeeperException's code name: the code is what callers branch on. */
  static Object outcome(Step step) {
    try {
      Object v = step.run();
      return List.of("ok", v == null ? "null" : v);
    } catch (KeeperException e) {
      return List.of("raised", e.code().name());
    } catch (Exception e) {
      return List.of("raised", e.getClass().getSimpleName());
    }
  }

  static Object stat(Stat s, long session) {
    if (s == null) return null;
    List<Object> v = new ArrayList<>();
    v.add("version=" + s.getVersion());
    v.add("cversion=" + s.getCversion());
    v.add("aversion=" + s.getAversion());
    v.add("dataLength=" + s.getDataLength());
    v.add("numChildren=" + s.getNumChildren());
    v.add(s.getEphemeralOwner() == 0 ? "persistent" : s.getEphemeralOwner() == session ? "ephemeral of this session" : "ephemeral of another session");
    v.add(s.getCzxid() == s.getMzxid() ? "never modified" : "modified");
    return v;
  }

  /** Curator's protected names carry a random GUID: keep the shape, drop the randomness. */
  static String unprotect(String path) {
    return path.replaceAll("_c_[0-9a-f-]{36}-", "_c_GUID-");
  }

  static List<String> sorted(List<String> xs) {
    List<String> copy = new ArrayList<>(xs);
    Collections.sort(copy);
    return copy;
  }

  static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      if (condition.getAsBoolean()) return true;
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }

  static CuratorFramework client(String hosts) throws Exception {
    CuratorFramework c = CuratorFrameworkFactory.newClient(hosts, 10_000, 10_000, new RetryOneTime(200));
    c.start();
    if (!c.blockUntilConnected(20, TimeUnit.SECONDS)) throw new IllegalStateException("could not connect to " + hosts);
    return c;
  }

  /** Closes the client's socket as ZooKeeper's own tests do (ClientCnxn.SendThread.testableCloseSocket). */
  static void dropConnection(ZooKeeper zk) throws Exception {
    java.lang.reflect.Field cnxn = ZooKeeper.class.getDeclaredField("cnxn");
    cnxn.setAccessible(true);
    Object clientCnxn = cnxn.get(zk);
    java.lang.reflect.Field sendThread = clientCnxn.getClass().getDeclaredField("sendThread");
    sendThread.setAccessible(true);
    Object thread = sendThread.get(clientCnxn);
    java.lang.reflect.Method close = thread.getClass().getDeclaredMethod("testableCloseSocket");
    close.setAccessible(true);
    close.invoke(thread);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    String hosts = args[0];
    CuratorFramework a = client(hosts);
    CuratorFramework b = client(hosts);
    ZooKeeper za = a.getZookeeperClient().getZooKeeper();
    long sa = za.getSessionId();

    // Plain operations through Curator's builders, and their errors.
    a.create().creatingParentsIfNeeded().forPath(ROOT + "/a/b", bytes("ab"));
    record("create with parents", stat(a.checkExists().forPath(ROOT + "/a"), sa));
    record("create parent containers", unprotect(a.create().creatingParentContainersIfNeeded().forPath(ROOT + "/box/in", bytes("x"))));
    record("container stat", stat(a.checkExists().forPath(ROOT + "/box"), sa));
    Stat s = new Stat();
    record("get with stat", List.of(new String(a.getData().storingStatIn(s).forPath(ROOT + "/a/b"), StandardCharsets.UTF_8), stat(s, sa)));
    record("set with version", stat(a.setData().withVersion(0).forPath(ROOT + "/a/b", bytes("v1")), sa));
    record("set with wrong version", outcome(() -> a.setData().withVersion(0).forPath(ROOT + "/a/b", bytes("v2"))));
    record("delete not empty", outcome(() -> { a.delete().forPath(ROOT + "/a"); return null; }));
    record("create existing", outcome(() -> a.create().forPath(ROOT + "/a")));
    record("get missing", outcome(() -> a.getData().forPath(ROOT + "/missing")));
    record("exists missing", stat(a.checkExists().forPath(ROOT + "/missing"), sa));
    List<String> seq = new ArrayList<>();
    for (int i = 0; i < 3; i++) seq.add(a.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(ROOT + "/seq/n-"));
    record("sequential names", seq);
    record("protected ephemeral sequential", unprotect(a.create().withProtection().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath(ROOT + "/seq/p-")));
    String eph = a.create().withMode(CreateMode.EPHEMERAL).forPath(ROOT + "/eph", bytes("e"));
    record("ephemeral", List.of(stat(a.checkExists().forPath(eph), sa), stat(b.checkExists().forPath(eph), sa)));
    record("child of ephemeral", outcome(() -> a.create().forPath(eph + "/c")));
    record("children", sorted(a.getChildren().forPath(ROOT)));
    record("getAllChildrenNumber", za.getAllChildrenNumber(ROOT));
    record("getEphemerals", sorted(za.getEphemerals(ROOT)).stream().map(CuratorWorkload::unprotect).toList());
    record("whoAmI", za.whoAmI().stream().map(i -> i.getAuthScheme() + ":" + i.getUser().replaceAll("\\d+\\.\\d+\\.\\d+\\.\\d+", "IP")).toList());
    record("delete children if needed", outcome(() -> { a.delete().deletingChildrenIfNeeded().forPath(ROOT + "/box"); return a.checkExists().forPath(ROOT + "/box"); }));
    record("guaranteed delete of missing", outcome(() -> { a.delete().guaranteed().forPath(ROOT + "/never"); return null; }));

    // Transactions.
    List<CuratorTransactionResult> ok = a.transaction().forOperations(
        a.transactionOp().create().forPath(ROOT + "/t1", bytes("1")),
        a.transactionOp().check().withVersion(1).forPath(ROOT + "/a/b"),
        a.transactionOp().setData().forPath(ROOT + "/a/b", bytes("multi")),
        a.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(ROOT + "/t-"),
        a.transactionOp().delete().forPath(ROOT + "/t1"));
    List<Object> okView = new ArrayList<>();
    for (CuratorTransactionResult r : ok) okView.add(List.of(r.getType().name(), r.getForPath(), String.valueOf(r.getResultPath()), String.valueOf(stat(r.getResultStat(), sa)), r.getError()));
    record("transaction", okView);
    record("failing transaction", outcome(() -> a.transaction().forOperations(
        a.transactionOp().create().forPath(ROOT + "/t2"),
        a.transactionOp().check().withVersion(9).forPath(ROOT + "/a/b"))));
    record("failing transaction rolled back", stat(a.checkExists().forPath(ROOT + "/t2"), sa));

    // Watches: one-shot through Curator, and ZooKeeper 3.6's persistent recursive watch.
    List<String> events = new CopyOnWriteArrayList<>();
    Watcher oneShot = (WatchedEvent e) -> events.add("one-shot " + e.getType() + " " + e.getPath());
    a.getData().usingWatcher(oneShot).forPath(ROOT + "/a/b");
    a.getChildren().usingWatcher(oneShot).forPath(ROOT + "/a");
    a.checkExists().usingWatcher(oneShot).forPath(ROOT + "/later");
    List<String> recursive = new CopyOnWriteArrayList<>();
    Watcher persistent = (WatchedEvent e) -> recursive.add(e.getType() + " " + e.getPath());
    a.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(persistent).forPath(ROOT + "/w");
    b.setData().forPath(ROOT + "/a/b", bytes("by b"));
    b.setData().forPath(ROOT + "/a/b", bytes("by b again"));
    b.create().forPath(ROOT + "/a/c");
    b.create().forPath(ROOT + "/later");
    b.create().creatingParentsIfNeeded().forPath(ROOT + "/w/x/y", bytes("1"));
    b.setData().forPath(ROOT + "/w/x/y", bytes("2"));
    b.delete().deletingChildrenIfNeeded().forPath(ROOT + "/w/x");
    waitFor(() -> events.size() >= 3 && recursive.size() >= 5);
    Thread.sleep(300);
    record("one-shot watches", sorted(events));
    record("persistent recursive watch", new ArrayList<>(recursive));
    a.watchers().remove(persistent).forPath(ROOT + "/w");
    b.create().forPath(ROOT + "/w/after-remove");
    Thread.sleep(300);
    // The client tells the watcher itself that it was removed (PersistentWatchRemoved); the server sends nothing more.
    record("after removing the persistent watch", new ArrayList<>(recursive.subList(6, recursive.size())));

    // CuratorCache: built on the persistent recursive watch.
    List<String> cacheEvents = new CopyOnWriteArrayList<>();
    CountDownLatch initialized = new CountDownLatch(1);
    a.create().creatingParentsIfNeeded().forPath(ROOT + "/cache/one", bytes("1"));
    CuratorCache cache = CuratorCache.build(a, ROOT + "/cache");
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, before, after) -> cacheEvents.add(type + " " + (after != null ? after.getPath() : before.getPath())))
        .forInitialized(initialized::countDown)
        .build());
    cache.start();
    initialized.await(10, TimeUnit.SECONDS);
    // One change at a time: the cache reads each changed node back, and those reads would race the next change.
    waitFor(() -> cacheEvents.size() >= 2);
    b.create().forPath(ROOT + "/cache/two", bytes("2"));
    waitFor(() -> cacheEvents.size() >= 3);
    b.setData().forPath(ROOT + "/cache/one", bytes("1b"));
    waitFor(() -> cacheEvents.size() >= 4);
    b.delete().forPath(ROOT + "/cache/two");
    waitFor(() -> cacheEvents.size() >= 5);
    Thread.sleep(200);
    cache.close();
    record("CuratorCache", sorted(cacheEvents.subList(0, 2)).toString() + " then " + cacheEvents.subList(2, cacheEvents.size()));

    // ACLs and digest authentication.
    CuratorFramework alice = CuratorFrameworkFactory.builder().connectString(hosts).retryPolicy(new RetryOneTime(200)).authorization("digest", bytes("alice:secret")).build();
    alice.start();
    alice.blockUntilConnected(20, TimeUnit.SECONDS);
    ACL onlyAlice = new ACL(31, new Id("digest", DigestAuthenticationProvider.generateDigest("alice:secret")));
    alice.create().withACL(List.of(onlyAlice)).forPath(ROOT + "/private", bytes("p"));
    record("getACL", alice.getACL().forPath(ROOT + "/private").stream().map(x -> x.getPerms() + " " + x.getId().getScheme() + " " + x.getId().getId()).toList());
    record("read without auth", outcome(() -> b.getData().forPath(ROOT + "/private")));
    record("setACL wrong version", outcome(() -> alice.setACL().withVersion(4).withACL(List.of(onlyAlice)).forPath(ROOT + "/private")));
    record("read with auth", new String(alice.getData().forPath(ROOT + "/private"), StandardCharsets.UTF_8));

    // A dropped connection: the Java client reconnects with its session and sends its watches again (SetWatches,
    // with the last zxid it saw), so a change made meanwhile fires at once and a later one fires as usual.
    List<String> states = new CopyOnWriteArrayList<>();
    a.getConnectionStateListenable().addListener((cf, state) -> states.add(state.name()));
    List<String> afterDrop = new CopyOnWriteArrayList<>();
    Watcher keep = (WatchedEvent e) -> afterDrop.add(e.getType() + " " + e.getState() + " " + e.getPath());
    a.create().forPath(ROOT + "/kept", bytes("0"));
    a.getData().usingWatcher(keep).forPath(ROOT + "/kept");
    a.checkExists().usingWatcher(keep).forPath(ROOT + "/appears");
    a.watchers().add().withMode(AddWatchMode.PERSISTENT).usingWatcher(keep).forPath(ROOT + "/kept");
    dropConnection(za);
    b.setData().forPath(ROOT + "/kept", bytes("1"));
    b.create().forPath(ROOT + "/appears");
    waitFor(() -> afterDrop.size() >= 3 && states.contains("RECONNECTED"));
    Thread.sleep(200);
    record("reconnect", List.of(new ArrayList<>(states), sorted(afterDrop), za.getSessionId() == sa, String.valueOf(stat(a.checkExists().forPath(eph), sa))));

    // Recipes.
    CuratorFramework c = client(hosts);
    InterProcessMutex lockA = new InterProcessMutex(a, ROOT + "/lock");
    InterProcessMutex lockB = new InterProcessMutex(b, ROOT + "/lock");
    lockA.acquire();
    record("lock taken elsewhere", lockB.acquire(300, TimeUnit.MILLISECONDS));
    lockA.acquire(); // re-entrant
    lockA.release();
    record("still held after one release", lockB.acquire(300, TimeUnit.MILLISECONDS));
    lockA.release();
    record("free after the last release", lockB.acquire(5, TimeUnit.SECONDS));
    lockB.release();

    InterProcessSemaphoreV2 semA = new InterProcessSemaphoreV2(a, ROOT + "/sem", 2);
    InterProcessSemaphoreV2 semB = new InterProcessSemaphoreV2(b, ROOT + "/sem", 2);
    InterProcessSemaphoreV2 semC = new InterProcessSemaphoreV2(c, ROOT + "/sem", 2);
    Lease la = semA.acquire(5, TimeUnit.SECONDS);
    Lease lb = semB.acquire(5, TimeUnit.SECONDS);
    record("semaphore full", List.of(la != null, lb != null, semC.acquire(300, TimeUnit.MILLISECONDS) == null));
    semA.returnLease(la);
    Lease lc = semC.acquire(5, TimeUnit.SECONDS);
    record("semaphore after return", List.of(lc != null, semC.getParticipantNodes().size()));
    semB.returnLease(lb);
    semC.returnLease(lc);

    LeaderLatch first = new LeaderLatch(a, ROOT + "/leader", "a");
    first.start();
    first.await(10, TimeUnit.SECONDS);
    LeaderLatch second = new LeaderLatch(b, ROOT + "/leader", "b");
    second.start();
    waitFor(() -> { try { return second.getParticipants().size() == 2; } catch (Exception e) { return false; } });
    List<Object> leadership = new ArrayList<>(List.of(first.hasLeadership(), second.hasLeadership(), first.getLeader().getId()));
    first.close();
    second.await(10, TimeUnit.SECONDS);
    leadership.add(second.hasLeadership());
    second.close();
    record("leader latch", leadership);

    DistributedAtomicLong counter = new DistributedAtomicLong(a, ROOT + "/counter", new RetryOneTime(10));
    AtomicValue<Long> inc = counter.increment();
    AtomicValue<Long> add = new DistributedAtomicLong(b, ROOT + "/counter", new RetryOneTime(10)).add(41L);
    AtomicValue<Long> cas = counter.compareAndSet(42L, 100L);
    AtomicValue<Long> badCas = counter.compareAndSet(42L, 7L);
    record("atomic long", List.of(inc.succeeded(), inc.postValue(), add.postValue(), cas.succeeded(), cas.postValue(), badCas.succeeded(), counter.get().postValue()));

    SharedCount countA = new SharedCount(a, ROOT + "/shared", 5);
    SharedCount countB = new SharedCount(b, ROOT + "/shared", 0);
    countA.start();
    countB.start();
    VersionedValue<Integer> seen = countB.getVersionedValue();
    record("shared count", List.of(seen.getValue(), countA.trySetCount(seen, 6), countB.trySetCount(seen, 7), waitFor(() -> countB.getCount() == 6)));
    countA.close();
    countB.close();

    DistributedDoubleBarrier barrierA = new DistributedDoubleBarrier(a, ROOT + "/double", 2);
    DistributedDoubleBarrier barrierB = new DistributedDoubleBarrier(b, ROOT + "/double", 2);
    List<Object> entered = new CopyOnWriteArrayList<>();
    Thread other = new Thread(() -> { try { entered.add(barrierB.enter(10, TimeUnit.SECONDS)); entered.add(barrierB.leave(10, TimeUnit.SECONDS)); } catch (Exception e) { entered.add(e.getClass().getSimpleName()); } });
    other.start();
    entered.add(barrierA.enter(10, TimeUnit.SECONDS));
    entered.add(barrierA.leave(10, TimeUnit.SECONDS));
    other.join(15_000);
    record("double barrier", entered.stream().map(String::valueOf).sorted().toList());

    GroupMember ma = new GroupMember(a, ROOT + "/group", "a", bytes("A"));
    GroupMember mc = new GroupMember(c, ROOT + "/group", "c", bytes("C"));
    ma.start();
    mc.start();
    waitFor(() -> ma.getCurrentMembers().size() == 2);
    record("group members", sorted(new ArrayList<>(ma.getCurrentMembers().keySet())));

    // A closed session takes its ephemerals with it.
    List<String> gone = new CopyOnWriteArrayList<>();
    String ephC = c.create().withMode(CreateMode.EPHEMERAL).forPath(ROOT + "/eph-c");
    a.checkExists().usingWatcher((Watcher) e -> gone.add(e.getType() + " " + e.getPath())).forPath(ephC);
    mc.close();
    c.close();
    waitFor(() -> gone.size() == 1);
    waitFor(() -> ma.getCurrentMembers().size() == 1);
    record("closed session", List.of(new ArrayList<>(gone), String.valueOf(stat(a.checkExists().forPath(ephC), sa)), sorted(new ArrayList<>(ma.getCurrentMembers().keySet()))));
    ma.close();

    record("final tree", sorted(a.getChildren().forPath(ROOT)));
    alice.delete().forPath(ROOT + "/private");
    a.delete().deletingChildrenIfNeeded().forPath(ROOT);
    alice.close();
    b.close();
    a.close();
    System.out.println("[" + String.join(",", steps) + "]");
    System.exit(0);
  }

  static String json(Object v) {
    if (v == null) return "null";
    if (v instanceof Boolean || v instanceof Number) return v.toString();
    if (v instanceof List<?> list) {
      List<String> parts = new ArrayList<>();
      for (Object x : list) parts.add(json(x));
      return "[" + String.join(",", parts) + "]";
    }
    StringBuilder out = new StringBuilder("\"");
    for (char ch : v.toString().toCharArray()) {
      if (ch == '"' || ch == '\\') out.append('\\').append(ch);
      else if (ch < 0x20) out.append(String.format("\\u%04x", (int) ch));
      else out.append(ch);
    }
    return out.append('"').toString();
  }
}
