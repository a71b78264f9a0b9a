package io.waitline.access;

import io.waitline.access.AccessException.Refusal;
import static io.waitline.access.AccessWorld.NORTH;
import static io.waitline.access.AccessWorld.SOUTH;
import static io.waitline.access.AccessWorld.START;
import static io.waitline.access.AccessWorld.await;
import static io.waitline.access.AccessWorld.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DevicesTest {
  private final AccessWorld w = new AccessWorld();

  @AfterEach
  void close() {
    w.close();
  }

  private Pairing pairing(String site, DeviceKind kind, String name) {
    return await(w.devices.startPairing(site, kind, name, "admin-id"));
  }

  @Test
  void aPairingCodeEnrolsOneDeviceWithItsOwnToken() {
    Pairing p = pairing(NORTH, DeviceKind.DISPLAY, "  Lobby TV ");
    assertThat(p.code()).matches("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}");
    assertThat(p.name()).isEqualTo("Lobby TV");
    assertThat(p.expiresAt()).isEqualTo(START.plus(Duration.ofMinutes(10)));

    PairedDevice paired = await(w.devices.pair(p.code()));
    assertThat(paired.token()).matches("wld_[A-Za-z0-9_-]{43}");
    assertThat(paired.device().siteId()).isEqualTo(NORTH);
    assertThat(paired.device().kind()).isEqualTo(DeviceKind.DISPLAY);
    assertThat(paired.device().name()).isEqualTo("Lobby TV");
    assertThat(paired.device().createdAt()).isEqualTo(START);

    Principal.Device d = await(w.devices.find(paired.token())).orElseThrow();
    assertThat(d).isEqualTo(new Principal.Device(paired.device().id().toString(), NORTH, DeviceKind.DISPLAY,
        "Lobby TV"));
    assertThat(w.row("SELECT token_hash FROM device").getString(0)).hasSize(64)
        .doesNotContain(paired.token().substring(4));
    assertThat(w.row("SELECT code_hash FROM device_pairing").getString(0))
        .doesNotContain(p.code().replace("-", ""));
  }

  @Test
  void aCodeWorksOnlyOnce() {
    Pairing p = pairing(NORTH, DeviceKind.KIOSK, "Entrance kiosk");
    await(w.devices.pair(p.code()));
    AccessException again = refusal(w.devices.pair(p.code()));
    assertThat(again.refusal()).isEqualTo(Refusal.GONE);
    assertThat(again.getMessage()).contains("used already");
    assertThat(await(w.devices.list(NORTH))).hasSize(1);
  }

  @Test
  void aCodeUsedConcurrentlyEnrolsExactlyOneDevice() {
    Pairing p = pairing(NORTH, DeviceKind.KIOSK, "Entrance kiosk");
    var a = w.devices.pair(p.code());
    var b = w.devices.pair(p.code());
    int ok = 0;
    for (var f : java.util.List.of(a, b)) {
      try {
        f.toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        ok++;
      } catch (Exception e) {
        assertThat(refusal(f).refusal()).isEqualTo(Refusal.GONE);
      }
    }
    assertThat(ok).isEqualTo(1);
    assertThat(await(w.devices.list(NORTH))).hasSize(1);
  }

  @Test
  void aCodeExpiresAfterTenMinutes() {
    Pairing p = pairing(NORTH, DeviceKind.DISPLAY, "Lobby TV");
    w.clock.advance(Duration.ofMinutes(10));
    AccessException expired = refusal(w.devices.pair(p.code()));
    assertThat(expired.refusal()).isEqualTo(Refusal.GONE);
    assertThat(expired.getMessage()).contains("expired");
    assertThat(await(w.devices.list(NORTH))).isEmpty();
  }

  @Test
  void codesAreReadWithoutCaringForCaseDashesOrLookAlikes() {
    Pairing p1 = pairing(NORTH, DeviceKind.DISPLAY, "TV 1");
    assertThat(await(w.devices.pair(p1.code().toLowerCase())).device().name()).isEqualTo("TV 1");
    Pairing p2 = pairing(NORTH, DeviceKind.DISPLAY, "TV 2");
    assertThat(await(w.devices.pair(" " + p2.code().replace("-", "") + " ")).device().name()).isEqualTo("TV 2");
    Pairing p3 = pairing(NORTH, DeviceKind.DISPLAY, "TV 3");
    // a 0 typed as O and a 1 typed as l still match
    String typed = p3.code().replace('0', 'O').replace('1', 'l');
    assertThat(await(w.devices.pair(typed)).device().name()).isEqualTo("TV 3");
  }

  @Test
  void unknownCodesAreNotFound() {
    pairing(NORTH, DeviceKind.DISPLAY, "Lobby TV");
    for (String code : new String[] {"ZZZZ-ZZZZ", "ABC", "!!!!-????", "", null}) {
      AccessException unknown = refusal(w.devices.pair(code));
      assertThat(unknown.refusal()).as(String.valueOf(code)).isEqualTo(Refusal.NOT_FOUND);
      assertThat(unknown.getMessage()).startsWith("This pairing code is not known");
    }
  }

  @Test
  void pairingNeedsAKnownSiteAndAName() {
    AccessException site = refusal(w.devices.startPairing("atlantis", DeviceKind.DISPLAY, "TV", "admin"));
    assertThat(site.refusal()).isEqualTo(Refusal.NOT_FOUND);
    assertThat(site.getMessage()).isEqualTo("There is no site atlantis.");
    assertThat(refusal(w.devices.startPairing(NORTH, DeviceKind.DISPLAY, " ", "admin")).refusal())
        .isEqualTo(Refusal.INVALID);
    assertThat(refusal(w.devices.list("atlantis")).refusal()).isEqualTo(Refusal.NOT_FOUND);
  }

  @Test
  void aRevokedDeviceTokenIsRefusedAtOnce() {
    PairedDevice paired = await(w.devices.pair(pairing(NORTH, DeviceKind.KIOSK, "Kiosk").code()));
    PairedDevice other = await(w.devices.pair(pairing(NORTH, DeviceKind.DISPLAY, "TV").code()));
    w.clock.advance(Duration.ofMinutes(5));
    DeviceRecord revoked = await(w.devices.revoke(paired.device().id()));
    assertThat(revoked.revokedAt()).isEqualTo(START.plus(Duration.ofMinutes(5)));
    assertThat(await(w.devices.find(paired.token()))).isEmpty();
    assertThat(await(w.devices.find(other.token()))).isPresent();

    w.clock.advance(Duration.ofMinutes(5));
    assertThat(await(w.devices.revoke(paired.device().id())).revokedAt()).isEqualTo(revoked.revokedAt());
    assertThat(await(w.devices.list(NORTH))).extracting(DeviceRecord::name).containsExactly("Kiosk", "TV");
    assertThat(await(w.devices.get(paired.device().id())).revokedAt()).isNotNull();
    assertThat(refusal(w.devices.revoke(UUID.randomUUID())).refusal()).isEqualTo(Refusal.NOT_FOUND);
    assertThat(refusal(w.devices.get(UUID.randomUUID())).refusal()).isEqualTo(Refusal.NOT_FOUND);
  }

  @Test
  void devicesAreListedPerSiteAndLastSeenIsNotedAtMostOnceAMinute() {
    PairedDevice tv = await(w.devices.pair(pairing(NORTH, DeviceKind.DISPLAY, "TV").code()));
    await(w.devices.pair(pairing(SOUTH, DeviceKind.DISPLAY, "South TV").code()));
    assertThat(await(w.devices.list(NORTH))).extracting(DeviceRecord::name).containsExactly("TV");
    assertThat(await(w.devices.get(tv.device().id())).lastSeenAt()).isNull();

    await(w.devices.find(tv.token()));
    assertThat(await(w.devices.get(tv.device().id())).lastSeenAt()).isEqualTo(START);
    w.clock.advance(Duration.ofSeconds(30));
    await(w.devices.find(tv.token()));
    assertThat(await(w.devices.get(tv.device().id())).lastSeenAt()).isEqualTo(START);
    w.clock.advance(Duration.ofSeconds(31));
    await(w.devices.find(tv.token()));
    assertThat(await(w.devices.get(tv.device().id())).lastSeenAt()).isEqualTo(START.plusSeconds(61));
    assertThat(await(w.devices.find("wls_" + tv.token().substring(4)))).isEmpty();
  }
}
