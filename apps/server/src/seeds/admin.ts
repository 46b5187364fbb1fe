// Seeds write through the repositories directly: there is no acting user
// whose policies could apply. Each seed is audited as the system.
import type { Db } from '../platform/database/db';
import { recordAudit } from '../modules/audit/audit.service';
import { systemActor } from '../modules/access';
import { CITY_CODE } from '../modules/regions/region.service';
import { generatePassword, hashPassword } from '../modules/users/password';
import { countUsers, insertUser } from '../modules/users/user.repository';

/**
 * First start: creates the city administrator `admin`, who must change the
 * password at first login. Returns the generated password (to be printed
 * once) or null when one was given or users exist already.
 */
export async function ensureFirstAdmin(
  db: Db,
  givenPassword: string | undefined,
): Promise<string | null> {
  if ((await countUsers(db)) > 0) return null;
  const password = givenPassword ?? generatePassword();
  const hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const { id } = await insertUser(trx, {
      username: 'admin',
      display_name: '系统管理员',
      phone: null,
      role: 'city_admin',
      region_code: CITY_CODE,
      department_id: null,
      password_hash: hash,
      must_change_password: true,
    });
    await recordAudit(trx, systemActor, {
      action: 'user.created',
      entityType: 'user',
      entityId: id,
      regionCode: CITY_CODE,
      after: { username: 'admin', role: 'city_admin', regionCode: CITY_CODE },
    });
  });
  return givenPassword ? null : password;
}
