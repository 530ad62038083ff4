// Lookalikes rewritten from public TypeScript/Vue projects: form schemas,
// i18n labels, state hooks, route reads, headers built from variables.
export const resetSchema = z.object({ token: z.string().min(1, "a token is needed") })
  newPassword: z.string().min(8),
  confirmNewPassword: z.string().min(8, { message: "repeat the password" }),
  passwordConfirmation: z.string().nonempty("Confirm password is required"),
const [token, setToken] = useState<string | null>(null)
const token = useRoute().query.token as string
const { accessToken } = storeToRefs(useAuthStore())
  apiKey: process.env.OPENROUTER_API_KEY ?? "",
  passwordLabel: "Password",
  tokenExpired: "The password reset link has expired",
  newpassword2: 'Répéter le nouveau mot de passe',
  headers: { Authorization: `Bearer ${accessToken}` },
  password: validatePassword,
export type ConfirmToken = Pick<Auth, 'token'>
<input v-model="password" :type="showPassword ? 'text' : 'password'" />
<v-text-field @click:append="showPassword = !showPassword" />
localStorage.setItem("access_token", response.data.access_token)
const secret = await getSecret({ name: secretName })
