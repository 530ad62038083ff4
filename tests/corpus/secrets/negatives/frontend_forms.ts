const schema = z.object({
  confirm_password: z.string().optional(),
  token: z.string().catch(""),
})
const apiKey = import.meta.env.VITE_API_KEY
