package dev.patroni4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patroni4j.client.PatroniException.Delivery;
import dev.patroni4j.client.dcs.CasResult;
import dev.patroni4j.client.dcs.DcsTimeoutException;
import dev.patroni4j.dcs.etcd.internal.Calls;
import dev.patroni4j.dcs.etcd.internal.CompareAndSet;
import dev.patroni4j.dcs.etcd.internal.EtcdStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.TxnResponse;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A compare-and-set whose answer never comes back, on a real etcd: the transaction is committed (or not) for real,
 * only its answer is withheld from the client. The client must settle the outcome by reading, never by re-sending.
 */
class LostWriteAnswerTest {

  private static EtcdServer etcd;
  private static Client client;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start();
    client = Client.builder().endpoints(etcd.endpoint()).build();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    client.close();
    etcd.close();
  }

  /** The real KV, except that {@code commit()} of a transaction runs (if {@code apply}) and never answers. */
  private static KV losingAnswers(KV real, boolean apply, AtomicInteger commits) {
    return (KV) Proxy.newProxyInstance(KV.class.getClassLoader(), new Class<?>[] {KV.class}, (proxy, method, args) -> {
      Object result = invoke(real, method, args);
      if (method.getName().equals("txn")) {
        Txn txn = (Txn) result;
        return losingCommit(txn, apply, commits);
      }
      return result;
    });
  }

  private static Txn losingCommit(Txn real, boolean apply, AtomicInteger commits) {
    return (Txn) Proxy.newProxyInstance(Txn.class.getClassLoader(), new Class<?>[] {Txn.class},
        (proxy, method, args) -> {
          if (method.getName().equals("commit")) {
            commits.incrementAndGet();
            if (apply) {
              ((CompletableFuture<?>) real.commit()).get(5, TimeUnit.SECONDS);
            }
            return new CompletableFuture<TxnResponse>();
          }
          Object result = invoke(real, method, args);
          return result == real ? proxy : result;
        });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static EtcdStore store(KV kv) {
    return new EtcdStore(kv, new Calls(Duration.ofMillis(500), Duration.ofMillis(10), Duration.ofMillis(50),
        java.time.Clock.systemUTC(), dev.patroni4j.client.Sleeper.system()));
  }

  private static long put(String key, String value) throws Exception {
    return client.getKVClient().put(bytes(key), bytes(value)).get(5, TimeUnit.SECONDS).getHeader().getRevision();
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  @Test
  void aWriteThatLandedButLostItsAnswerIsSettledAsWrittenBySendingItOnce() throws Exception {
    long version = put("/lost/applied/config", "{\"ttl\":30}");
    AtomicInteger commits = new AtomicInteger();

    CasResult result = CompareAndSet.put(store(losingAnswers(client.getKVClient(), true, commits)), "setConfig",
        "/lost/applied/config", "{\"ttl\":20}", version);

    long now = client.getKVClient().get(bytes("/lost/applied/config")).get().getKvs().get(0).getModRevision();
    assertThat(result).isEqualTo(new CasResult.Written(now));
    assertThat(now).isGreaterThan(version);
    assertThat(commits).hasValue(1);
  }

  @Test
  void aWriteThatNeverLandedStaysUnknownAndIsNotResent() throws Exception {
    long version = put("/lost/dropped/config", "{\"ttl\":30}");
    AtomicInteger commits = new AtomicInteger();

    assertThatThrownBy(() -> CompareAndSet.put(store(losingAnswers(client.getKVClient(), false, commits)),
        "setConfig", "/lost/dropped/config", "{\"ttl\":20}", version))
        .isInstanceOfSatisfying(DcsTimeoutException.class,
            e -> assertThat(e.delivery()).isEqualTo(Delivery.POSSIBLY_SENT));

    assertThat(commits).hasValue(1);
    assertThat(client.getKVClient().get(bytes("/lost/dropped/config")).get().getKvs().get(0).getModRevision())
        .isEqualTo(version);
  }
}
