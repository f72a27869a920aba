/**
 * AES keys that Apache Shiro applications encrypt their `rememberMe` cookie with and that are public, so anyone can
 * forge the cookie the server deserializes (CVE-2016-4437, "Shiro-550"; CISA KEV). The first is Shiro's own built-in
 * key up to 1.2.4 (`CookieRememberMeManager`'s `DEFAULT_CIPHER_KEY_BYTES`); the rest were copied from tutorials,
 * sample projects and frameworks into production and are what key-guessing tools and scanners try first (Nuclei's
 * Shiro templates, shiro_attack). A team that finds its own key leaked adds it with `shiroKeys`.
 */
export const defaultShiroKeys: readonly string[] = [
  'kPH+bIxk5D2deZiIxcaaaA==',
  '4AvVhmFLUs0KTA3Kprsdag==',
  '3AvVhmFLUs0KTA3Kprsdag==',
  '2AvVhdsgUs0FSA3SDFAdag==',
  'Z3VucwAAAAAAAAAAAAAAAA==',
  'fCq+/xW488hMTCD+cmJ3aQ==',
  'wGiHplamyXlVB11UXWol8g==',
  'cmVtZW1iZXJNZQAAAAAAAA==',
  'U3ByaW5nQmxhZGUAAAAAAA==',
  'a2VlcE9uR29pbmdBbmRGaQ==',
  'MTIzNDU2Nzg5MGFiY2RlZg==',
  '5aaC5qKm5oqA5pyvAAAAAA==',
  '6ZmI6I2j5Y+R5aSn5ZOlAA==',
  'bWluZS1hc3NldC1rZXk6QQ==',
  'r0e3c16IdVkouZgk1TKVMg==',
  '1QWLxg+NYmxraMoxAXu/Iw==',
  'ZUdsaGJuSmxibVI2ZHc9PQ==',
  'MTIzNDU2NzgxMjM0NTY3OA==',
];
