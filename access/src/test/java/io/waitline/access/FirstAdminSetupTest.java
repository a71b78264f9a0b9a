package io.waitline.access;

import io.waitline.access.AccessException.Refusal;
import static io.waitline.access.AccessWorld.NORTH;
import static io.waitline.access.AccessWorld.HERE;
import static io.waitline.access.AccessWorld.await;
import static io.waitline.access.AccessWorld.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FirstAdminSetupTest {
  private final AccessWorld w = new AccessWorld();
  // roles asked for are ignored: setup always makes an admin for every site
  private final NewAccount admin = new NewAccount("root", "First Admin", "a long setup passphrase",
      List.of(new RoleGrant(Role.CLINICIAN, NORTH)));

  @AfterEach
  void close() {
    w.close();
  }

  @Test
  void theSetupCodeCreatesTheFirstAdminOnce() {
    assertThat(await(w.setup.needed())).isTrue();
    String code = await(w.setup.prepare()).orElseThrow();
    assertThat(code).matches("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}");

    StaffAccount created = await(w.setup.complete(code, admin));
    assertThat(created.username()).isEqualTo("root");
    assertThat(created.roles()).containsExactly(new RoleGrant(Role.ADMIN, null));
    assertThat(await(w.accounts.authenticate("root", "a long setup passphrase", HERE)).id()).isEqualTo(created.id());
    assertThat(await(w.setup.needed())).isFalse();
    assertThat(w.row("SELECT count(*) FROM setup_code").getLong(0)).isZero();

    AccessException again = refusal(w.setup.complete(code, new NewAccount("root2", "Second", "another passphrase!",
        List.of())));
    assertThat(again.refusal()).isEqualTo(Refusal.CONFLICT);
    assertThat(await(w.setup.prepare())).isEmpty();
    assertThat(await(w.accounts.list())).hasSize(1);
  }

  @Test
  void aWrongCodeIsRefusedAndCreatesNothing() {
    String code = await(w.setup.prepare()).orElseThrow();
    AccessException wrong = refusal(w.setup.complete("AAAA-BBBB-CCCC-DDDD-EEEE", admin));
    assertThat(wrong.refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(wrong.getMessage()).startsWith("The setup code is not right.");
    assertThat(refusal(w.setup.complete("not even a code!", admin)).refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(refusal(w.setup.complete(null, admin)).refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(await(w.accounts.list())).isEmpty();
    // the right code still works afterwards, typed in lower case without dashes
    assertThat(await(w.setup.complete(code.toLowerCase().replace("-", ""), admin)).username()).isEqualTo("root");
  }

  @Test
  void preparingAgainReplacesTheEarlierCode() {
    String first = await(w.setup.prepare()).orElseThrow();
    String second = await(w.setup.prepare()).orElseThrow();
    assertThat(second).isNotEqualTo(first);
    assertThat(refusal(w.setup.complete(first, admin)).refusal()).isEqualTo(Refusal.FORBIDDEN);
    assertThat(w.row("SELECT code_hash FROM setup_code").getString(0)).hasSize(64).isNotEqualTo(second);
    assertThat(await(w.setup.complete(second, admin)).username()).isEqualTo("root");
  }

  @Test
  void aWeakPasswordIsRefusedAndTheCodeIsKept() {
    String code = await(w.setup.prepare()).orElseThrow();
    AccessException weak = refusal(w.setup.complete(code, new NewAccount("root", "Admin", "short", List.of())));
    assertThat(weak.refusal()).isEqualTo(Refusal.INVALID);
    assertThat(await(w.setup.complete(code, admin)).username()).isEqualTo("root");
  }

  @Test
  void noCodeIsOfferedOnceAnAdminExists() {
    w.account("admin", new RoleGrant(Role.ADMIN, null));
    assertThat(await(w.setup.needed())).isFalse();
    assertThat(await(w.setup.prepare())).isEmpty();
    assertThat(refusal(w.setup.complete("AAAA-BBBB-CCCC-DDDD-EEEE", admin)).refusal()).isEqualTo(Refusal.CONFLICT);
  }
}
