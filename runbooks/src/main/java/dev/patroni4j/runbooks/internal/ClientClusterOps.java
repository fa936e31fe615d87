package dev.patroni4j.runbooks.internal;

import dev.patroni4j.client.ConfigPatch;
import dev.patroni4j.client.FailoverRequest;
import dev.patroni4j.client.Outcome;
import dev.patroni4j.client.PatroniClient;
import dev.patroni4j.client.ReinitializeRequest;
import dev.patroni4j.client.RequestListener;
import dev.patroni4j.client.RestartRequest;
import dev.patroni4j.client.SwitchoverRequest;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.MemberStatus;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * {@link ClusterOps} over patroni-client's typed {@link PatroniClient}. The client is built here, from the caller's
 * builder, with a {@link RequestListener} that reports the moment a switchover or failover request has been written
 * to the wire: that is when the runbook's "switchover initiated" event fires.
 */
public final class ClientClusterOps implements ClusterOps {
  private final PatroniClient client;
  private final AtomicReference<@Nullable Runnable> onSent = new AtomicReference<>();

  public ClientClusterOps(PatroniClient.Builder builder, OkHttpClient http) {
    this.client = builder.okHttpClient(http).requestListener(new RequestListener() {
      @Override
      public void requestSent(String method, URI target, String endpointKind) {
        if (method.equals("POST") && (endpointKind.equals("switchover") || endpointKind.equals("failover"))) {
          Runnable r = onSent.getAndSet(null);
          if (r != null) {
            r.run();
          }
        }
      }
    }).build();
  }

  public PatroniClient client() {
    return client;
  }

  @Override
  public ClusterView cluster() {
    return client.cluster();
  }

  @Override
  public MemberStatus status(String member) {
    return client.member(member).status();
  }

  @Override
  public DynamicConfig config() {
    return client.config();
  }

  @Override
  public List<HistoryEntry> history() {
    return client.history();
  }

  @Override
  public ActionReply switchover(String leader, @Nullable String candidate, @Nullable OffsetDateTime scheduledAt,
      Runnable sent) {
    SwitchoverRequest r = SwitchoverRequest.from(leader);
    if (candidate != null) {
      r = r.to(candidate);
    }
    if (scheduledAt != null) {
      r = r.at(scheduledAt);
    }
    onSent.set(sent);
    try {
      return reply(client.switchover(r));
    } finally {
      onSent.set(null);
    }
  }

  @Override
  public ActionReply cancelScheduledSwitchover() {
    return reply(client.cancelScheduledSwitchover());
  }

  @Override
  public ActionReply failover(String candidate, Runnable sent) {
    onSent.set(sent);
    try {
      return reply(client.failover(FailoverRequest.to(candidate)));
    } finally {
      onSent.set(null);
    }
  }

  @Override
  public ActionReply restart(String member, @Nullable OffsetDateTime schedule, boolean onlyIfPending) {
    RestartRequest r = schedule == null ? RestartRequest.now() : RestartRequest.at(schedule);
    return reply(client.member(member).restart(onlyIfPending ? r.onlyIfPendingRestart() : r));
  }

  @Override
  public ActionReply cancelScheduledRestart(String member) {
    return reply(client.member(member).cancelScheduledRestart());
  }

  @Override
  public ActionReply patchConfig(Map<String, Object> patch) {
    ConfigPatch.Builder b = ConfigPatch.builder();
    flatten(b, new ArrayList<>(), patch);
    return reply(client.patchConfig(b.build()));
  }

  private static void flatten(ConfigPatch.Builder b, List<String> prefix, Map<?, ?> tree) {
    tree.forEach((k, v) -> {
      List<String> path = new ArrayList<>(prefix);
      path.add(String.valueOf(k));
      if (v == null) {
        b.removePath(path);
      } else if (v instanceof Map<?, ?> m) {
        flatten(b, path, m);
      } else {
        b.setPath(path, v);
      }
    });
  }

  @Override
  public ActionReply reload(String member) {
    return reply(client.member(member).reload());
  }

  @Override
  public ActionReply reinitialize(String member, boolean force) {
    return reply(client.member(member).reinitialize(ReinitializeRequest.standard().force(force)));
  }

  private static ActionReply reply(Outcome o) {
    ActionReply.Kind kind = switch (o.kind()) {
      case DONE, DONE_WITH_OTHER_MEMBER -> ActionReply.Kind.DONE;
      case SCHEDULED -> ActionReply.Kind.SCHEDULED;
      case REFUSED -> ActionReply.Kind.REFUSED;
      case FAILED -> ActionReply.Kind.FAILED;
      case UNKNOWN -> ActionReply.Kind.UNKNOWN;
    };
    return new ActionReply(kind, o.statusCode().orElse(-1), o.message());
  }
}
